/// The tables of a market's record in PostgreSQL, as numbered migrations (docs/guide-admin.md,
/// docs/log-format.md "The record in PostgreSQL"). `chengxin init --store` applies those a
/// database lacks, in order, each in its own transaction with its number; a database whose
/// newest migration is above the newest here was set up by a newer chengxin and is refused.
public enum PostgresSchema {
    /// The advisory lock every INSERT of records takes (the chain's trigger, in the transaction that
    /// commits it): one per database.
    public static let appendLock: Int64 = 0x6378_6C6F_6700_0001

    /// The channel every append's commit announces itself on.
    public static let channel = "chengxin_records"

    /// The role a seat's login is given: SELECT and INSERT on the records, nothing else.
    public static let writerRole = "chengxin_writer"
    /// A role for auditors and backups: SELECT only.
    public static let readerRole = "chengxin_reader"

    public struct Migration: Sendable {
        public let version: Int
        public let sql: String
    }

    public static let migrations: [Migration] = [
        Migration(version: 1, sql: """
        CREATE TABLE chengxin_log (
            id integer PRIMARY KEY CHECK (id = 1),
            header bytea NOT NULL CHECK (octet_length(header) = 32 AND substring(header FROM 1 FOR 8) = '\\x43584c4f470d0a1a'::bytea)
        );
        CREATE TABLE chengxin_records (
            seq bigint PRIMARY KEY CHECK (seq >= 1),
            bytes bytea NOT NULL
        );
        CREATE TABLE chengxin_checkpoints (
            n bigserial PRIMARY KEY,
            line text NOT NULL UNIQUE
        );

        CREATE FUNCTION chengxin_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'chengxin: % is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';
        END $$;
        CREATE TRIGGER chengxin_log_append_only BEFORE UPDATE OR DELETE ON chengxin_log
            FOR EACH ROW EXECUTE FUNCTION chengxin_refuse_change();
        CREATE TRIGGER chengxin_log_no_truncate BEFORE TRUNCATE ON chengxin_log
            FOR EACH STATEMENT EXECUTE FUNCTION chengxin_refuse_change();
        CREATE TRIGGER chengxin_records_append_only BEFORE UPDATE OR DELETE ON chengxin_records
            FOR EACH ROW EXECUTE FUNCTION chengxin_refuse_change();
        CREATE TRIGGER chengxin_records_no_truncate BEFORE TRUNCATE ON chengxin_records
            FOR EACH STATEMENT EXECUTE FUNCTION chengxin_refuse_change();
        CREATE TRIGGER chengxin_checkpoints_append_only BEFORE UPDATE OR DELETE ON chengxin_checkpoints
            FOR EACH ROW EXECUTE FUNCTION chengxin_refuse_change();
        CREATE TRIGGER chengxin_checkpoints_no_truncate BEFORE TRUNCATE ON chengxin_checkpoints
            FOR EACH STATEMENT EXECUTE FUNCTION chengxin_refuse_change();

        -- Every record must follow the last one as the file format says (docs/log-format.md):
        -- framed, numbered one above it, and linked to its chain hash; appends serialised by the
        -- advisory lock, also for an INSERT typed by hand. A record that is not the next one is
        -- refused as a serialisation failure (40001: another seat appended first; fetch, try
        -- again); one that is not framed as the format says, as a check violation (23514). The
        -- CRC is every reader's to check.
        CREATE FUNCTION chengxin_record_links() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            last_seq bigint;
            previous bytea;
            expected bytea;
            size bigint := octet_length(NEW.bytes);
            claimed bigint := 0;
        BEGIN
            PERFORM pg_advisory_xact_lock(\(appendLock));
            SELECT seq, bytes INTO last_seq, previous FROM chengxin_records ORDER BY seq DESC LIMIT 1;
            IF last_seq IS NULL THEN
                last_seq := 0;
                SELECT sha256(header) INTO expected FROM chengxin_log WHERE id = 1;
                IF expected IS NULL THEN
                    RAISE EXCEPTION 'chengxin: the log has no header yet' USING ERRCODE = '23514';
                END IF;
            ELSE
                expected := sha256(substring(previous FROM 1 FOR octet_length(previous) - 4));
            END IF;
            IF NEW.seq <> last_seq + 1 THEN
                RAISE EXCEPTION 'chengxin: record % does not follow record %', NEW.seq, last_seq USING ERRCODE = '40001';
            END IF;
            IF size < 52 OR substring(NEW.bytes FROM 1 FOR 4) <> '\\x4358520a'::bytea
               OR get_byte(NEW.bytes, 4)::bigint + (get_byte(NEW.bytes, 5)::bigint << 8)
                  + (get_byte(NEW.bytes, 6)::bigint << 16) + (get_byte(NEW.bytes, 7)::bigint << 24) <> size - 52 THEN
                RAISE EXCEPTION 'chengxin: record % is not framed as the log format says', NEW.seq USING ERRCODE = '23514';
            END IF;
            FOR i IN 0..7 LOOP
                claimed := claimed + (get_byte(NEW.bytes, 8 + i)::bigint << (8 * i));
            END LOOP;
            IF claimed <> NEW.seq THEN
                RAISE EXCEPTION 'chengxin: record % carries sequence number %', NEW.seq, claimed USING ERRCODE = '23514';
            END IF;
            IF substring(NEW.bytes FROM 17 FOR 32) <> expected THEN
                RAISE EXCEPTION 'chengxin: record % does not link to record %', NEW.seq, last_seq USING ERRCODE = '40001';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER chengxin_records_link BEFORE INSERT ON chengxin_records
            FOR EACH ROW EXECUTE FUNCTION chengxin_record_links();

        -- Every commit of records wakes the seats that listen (delivered at commit, never before).
        CREATE FUNCTION chengxin_announce() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('\(channel)', '');
            RETURN NULL;
        END $$;
        CREATE TRIGGER chengxin_records_announce AFTER INSERT ON chengxin_records
            FOR EACH STATEMENT EXECUTE FUNCTION chengxin_announce();

        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(writerRole)') THEN CREATE ROLE \(writerRole) NOLOGIN; END IF;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(readerRole)') THEN CREATE ROLE \(readerRole) NOLOGIN; END IF;
        END $$;
        REVOKE ALL ON chengxin_log, chengxin_records, chengxin_checkpoints, chengxin_migrations FROM PUBLIC;
        GRANT SELECT ON chengxin_log, chengxin_records, chengxin_checkpoints, chengxin_migrations TO \(writerRole), \(readerRole);
        GRANT INSERT ON chengxin_records, chengxin_checkpoints TO \(writerRole);
        GRANT USAGE ON SEQUENCE chengxin_checkpoints_n_seq TO \(writerRole);
        """),
    ]

    /// The newest migration this chengxin knows.
    public static var newest: Int { migrations.last?.version ?? 0 }
}
