#!/usr/bin/env python3
"""An independent verifier of chengxin's event log, written from docs/log-format.md alone.

Usage: verify-log.py DATA_DIR [--key KEYFILE] [--anchor SEQ:HASH]... [--anchors FILE]

DATA_DIR may also be the path of DATA_DIR/events.log. Checks the records and chain (with the
witness acknowledged.bin), every payload's required keys, the signed checkpoints (checkpoints.txt
and the mirrors beside the key), the anchors given, and snapshot.bin.

The first line is the verdict: "intact: N records" (exit 0) or "damaged: <first finding>"
(exit 1); then one line per finding ("damage: ...") or note ("note: ..."); then
"head hash: <64 hex>". Exit 2: not a chengxin log, a newer format version, a key inside the
data directory, or a usage error.

Python 3.11, standard library only. Ed25519 (RFC 8032) is implemented here with Python integers.
"""
import argparse
import datetime
import hashlib
import hmac
import json
import os
import struct
import sys

FILE_MAGIC = b"CXLOG\r\n\x1a"
RECORD_MAGIC = b"CXR\n"
WITNESS_MAGIC = b"CXACK\r\n\x1a"
SNAPSHOT_MAGIC = b"CXSNAP\r\n"
MAX_PAYLOAD = 16 * 1024 * 1024
KEY_LINE_PREFIX = "chengxin-checkpoint-key v1 "
SNAPSHOT_KEY_LABEL = b"chengxin-snapshot-key v1"


class UsageError(Exception):
    """Exit 2: not a log, newer version, key inside the data directory, bad arguments."""


# ---------------------------------------------------------------------------------------------
# CRC-32C (Castagnoli, reflected 0x82F63B78), table-driven.

def _crc_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc_table()


def crc32c(data) -> int:
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------
# Ed25519 (RFC 8032, section 5.1), with Python integers and extended coordinates.

_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, -1, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _recover_x(y: int, sign: int):
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, -1, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


_BY = 4 * pow(5, -1, _P) % _P
_BX = _recover_x(_BY, 0)
_B = (_BX, _BY, 1, _BX * _BY % _P)
_IDENTITY = (0, 1, 1, 0)


def _add(p, q):
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = 2 * t1 * t2 * _D % _P
    d = 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _double(p):
    x1, y1, z1, _ = p
    a = x1 * x1 % _P
    b = y1 * y1 % _P
    c = 2 * z1 * z1 % _P
    h = a + b
    e = h - (x1 + y1) * (x1 + y1)
    g = a - b
    f = c + g
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s: int, p):
    q = _IDENTITY
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _double(p)
        s >>= 1
    return q


def _encode(p) -> bytes:
    x, y, z, _ = p
    zi = pow(z, -1, _P)
    x, y = x * zi % _P, y * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _decode(s: bytes):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % _P)


def _expand(private_key: bytes):
    if len(private_key) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes")
    h = hashlib.sha512(private_key).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def ed25519_public_key(private_key: bytes) -> bytes:
    """The 32-byte public key of a 32-byte private key (RFC 8032 5.1.5)."""
    a, _ = _expand(private_key)
    return _encode(_mul(a, _B))


def ed25519_sign(private_key: bytes, message: bytes) -> bytes:
    """A 64-byte signature (RFC 8032 5.1.6)."""
    a, prefix = _expand(private_key)
    public = _encode(_mul(a, _B))
    r = int.from_bytes(hashlib.sha512(prefix + message).digest(), "little") % _L
    rs = _encode(_mul(r, _B))
    k = int.from_bytes(hashlib.sha512(rs + public + message).digest(), "little") % _L
    return rs + ((r + k * a) % _L).to_bytes(32, "little")


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """RFC 8032 5.1.7, checking [S]B = R + [k]A (the cofactorless equation)."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decode(public_key)
    r = _decode(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _L
    left = _mul(s, _B)
    right = _add(r, _mul(k, a))
    return ((left[0] * right[2] - right[0] * left[2]) % _P == 0
            and (left[1] * right[2] - right[1] * left[2]) % _P == 0)


# ---------------------------------------------------------------------------------------------
# Findings.

class Report:
    def __init__(self):
        self.lines = []  # (is_damage, text)

    def damage(self, text: str):
        self.lines.append((True, text))

    def note(self, text: str):
        self.lines.append((False, text))

    @property
    def damaged(self) -> bool:
        return any(d for d, _ in self.lines)


class Record:
    __slots__ = ("seq", "start", "end", "hash", "payload_start", "length")

    def __init__(self, seq, start, end, digest, length):
        self.seq, self.start, self.end, self.hash, self.length = seq, start, end, digest, length
        self.payload_start = start + 48


class Log:
    """The result of the walk: the good records, where the walk stopped and why."""

    def __init__(self, data: bytes):
        self.data = data
        self.log_id = data[16:32]
        self.genesis = hashlib.sha256(data[:32]).digest()
        self.records = []   # good records, records[i].seq == i + 1
        self.stop = None    # None: end of file; else (kind, offset, detail)

    @property
    def n(self) -> int:
        return len(self.records)

    @property
    def end(self) -> int:
        return self.records[-1].end if self.records else 32

    @property
    def head(self) -> bytes:
        return self.records[-1].hash if self.records else self.genesis

    def hash_of(self, seq: int):
        """Chain hash of record seq (the genesis hash for 0), None past the good records."""
        if seq == 0:
            return self.genesis
        if 1 <= seq <= self.n:
            return self.records[seq - 1].hash
        return None


def well_formed(data: bytes, off: int):
    if len(data) - off < 52 or data[off:off + 4] != RECORD_MAGIC:
        return None
    (length,) = struct.unpack_from("<I", data, off + 4)
    if length > MAX_PAYLOAD or off + 52 + length > len(data):
        return None
    body = data[off:off + 48 + length]
    (stored,) = struct.unpack_from("<I", data, off + 48 + length)
    if crc32c(body) != stored:
        return None
    (seq,) = struct.unpack_from("<Q", data, off + 8)
    return seq, data[off + 16:off + 48], hashlib.sha256(body).digest(), length


def later_well_formed(data: bytes, off: int):
    """The offset of the first well-formed record starting after off, or None."""
    p = data.find(RECORD_MAGIC, off + 1)
    while p != -1 and p <= len(data) - 52:
        if well_formed(data, p) is not None:
            return p
        p = data.find(RECORD_MAGIC, p + 1)
    return None


def walk(data: bytes) -> Log:
    """Reading and verifying, steps 1-3 (the witness is applied by the caller)."""
    log = Log(data)
    prev, expected, off = log.genesis, 1, 32
    while off < len(data):
        rec = well_formed(data, off)
        if rec is None:
            later = later_well_formed(data, off)
            if later is not None:
                log.stop = ("corrupt", off, f"not a well-formed record, and well-formed records follow (the next at byte offset {later})")
            else:
                log.stop = ("tail", off, None)
            return log
        seq, stored_prev, digest, length = rec
        if seq != expected:
            log.stop = ("corrupt", off, f"sequence gap (found {seq})")
            return log
        if stored_prev != prev:
            log.stop = ("corrupt", off, "hash chain broken")
            return log
        log.records.append(Record(seq, off, off + 52 + length, digest, length))
        prev, expected, off = digest, expected + 1, off + 52 + length
    return log


# ---------------------------------------------------------------------------------------------
# The witness (acknowledged.bin).

def read_witness(data_dir: str, log: Log, report: Report):
    """Returns (W, end, hash) of the valid slot of this log with the larger W, or None."""
    path = os.path.join(data_dir, "acknowledged.bin")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        report.note("no witness: acknowledged.bin does not exist (W = 0: nothing known of what was acknowledged)")
        return None
    best = None
    valid = 0
    for slot in (0, 1):
        s = raw[slot * 80:slot * 80 + 80]
        if len(s) < 80 or s[:8] != WITNESS_MAGIC:
            continue
        (stored,) = struct.unpack_from("<I", s, 72)
        if crc32c(s[:72]) != stored:
            continue
        valid += 1
        log_id = s[8:24]
        w, end = struct.unpack_from("<QQ", s, 24)
        if log_id != log.log_id:
            report.damage(f"acknowledged.bin slot {slot}: the witness belongs to another log "
                          f"(log id {log_id.hex()}, this log's is {log.log_id.hex()})")
            continue
        if best is None or w > best[0]:
            best = (w, end, s[40:72])
    if valid == 0:
        report.note("no witness: acknowledged.bin has no valid slot (W = 0: nothing known of what was acknowledged)")
    return best


def apply_witness(log: Log, witness, report: Report):
    """Steps 3 (torn tail or acknowledged record damaged) and 4 of the reading rules."""
    w = witness[0] if witness else 0
    expected = log.n + 1
    if log.stop is not None and log.stop[0] == "corrupt":
        _, off, detail = log.stop
        report.damage(f"record {expected} at byte offset {off}: {detail}")
    elif log.stop is not None:  # no well-formed record follows: torn tail or acknowledged damage
        off = log.stop[1]
        if w >= expected:
            report.damage(f"record {expected} at byte offset {off}: acknowledged record damaged "
                          f"(not a well-formed record, and the witness says record {w} was acknowledged)")
        else:
            report.note(f"torn tail: record {expected} at byte offset {off}: {len(log.data) - off} bytes of an "
                        f"unfinished write, never acknowledged (witness W = {w}); ignored")
    elif w > log.n:
        report.damage(f"record {expected} at byte offset {log.end}: acknowledged record missing "
                      f"(the log ends after record {log.n}, the witness says record {w} ending at byte offset "
                      f"{witness[1]} was acknowledged)")
    if witness and 1 <= w <= log.n:
        rec = log.records[w - 1]
        if rec.hash != witness[2] or rec.end != witness[1]:
            report.damage(f"record {w} at byte offset {rec.start}: differs from the witness "
                          f"(chain hash {rec.hash.hex()} ending at byte offset {rec.end}; the witness says "
                          f"{witness[2].hex()} ending at byte offset {witness[1]})")
    elif witness and w == 0 and (witness[2] != log.genesis or witness[1] != 32):
        report.damage(f"record 0 at byte offset 32: differs from the witness (the genesis hash is "
                      f"{log.genesis.hex()}; the witness says {witness[2].hex()} ending at byte offset {witness[1]})")


# ---------------------------------------------------------------------------------------------
# Payloads.

def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def payload_problem(payload: bytes):
    """None when the payload is readable (Required keys), else why not."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"not UTF-8 (byte {e.start} of the payload)"
    try:
        event = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        return "not JSON (nested too deeply)"
    except ValueError as e:
        return f"not JSON ({e})"
    if not isinstance(event, dict):
        return f"not a JSON object (a {type(event).__name__} at the top level)"
    if "v" not in event:
        return 'no "v"'
    v = event["v"]
    if type(v) is not int or v != 1:
        return f'"v" is {json.dumps(v)[:40]}, not 1'
    for name in ("type", "actor", "at"):
        if name not in event:
            return f'no "{name}"'
        if not isinstance(event[name], str):
            return f'"{name}" is not a string'
    if "data" not in event:
        return 'no "data"'
    if not isinstance(event["data"], dict):
        return '"data" is not an object'
    if "key" in event and event["key"] is not None and not isinstance(event["key"], str):
        return '"key" is neither absent, null nor a string'
    return None


def check_payloads(log: Log, report: Report):
    unreadable = []
    data = log.data
    for rec in log.records:
        why = payload_problem(data[rec.payload_start:rec.payload_start + rec.length])
        if why is not None:
            unreadable.append(rec.seq)
            report.damage(f"unreadable event: record {rec.seq} at byte offset {rec.start}: {why}")
    return unreadable


# ---------------------------------------------------------------------------------------------
# Checkpoint key.

def default_key_path(env) -> str:
    if env.get("CHENGXIN_KEY"):
        return env["CHENGXIN_KEY"]
    if env.get("XDG_CONFIG_HOME"):
        return os.path.join(env["XDG_CONFIG_HOME"], "chengxin", "checkpoint.key")
    return os.path.join(os.path.expanduser("~"), ".config", "chengxin", "checkpoint.key")


def is_inside(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def read_private_key(path: str):
    """The 32-byte private key, or None when the file does not exist."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise UsageError(f"cannot read the checkpoint key {path}: {e.strerror}")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        text = ""
    if text.endswith("\n"):
        text = text[:-1]
    hexpart = text[len(KEY_LINE_PREFIX):]
    if (not text.startswith(KEY_LINE_PREFIX) or len(hexpart) != 64
            or any(c not in "0123456789abcdefABCDEF" for c in hexpart)):
        raise UsageError(f"{path} is not a checkpoint key (one line: chengxin-checkpoint-key v1 <64 hex>)")
    return bytes.fromhex(hexpart)


# ---------------------------------------------------------------------------------------------
# Checkpoints.

CHECKPOINT_FIELDS = ("log", "seq", "head", "at", "key", "sig")
_HEX_SIZES = {"log": 16, "head": 32, "key": 32, "sig": 64}


def render_checkpoint(log_id: bytes, seq: int, head: bytes, at: datetime.datetime, key: bytes, sig: bytes) -> bytes:
    return (f"chengxin-checkpoint v1 log={log_id.hex()} seq={seq} head={head.hex()} "
            f"at={at.strftime('%Y-%m-%dT%H:%M:%SZ')} key={key.hex()} sig={sig.hex()}").encode("ascii")


def parse_checkpoint(line: bytes) -> dict:
    """The fields of a checkpoint line (without its LF); ValueError when it is malformed.

    The fields are read loosely, then the line is rendered again from them in the one canonical
    spelling and must be byte for byte the line: any other spelling is malformed."""
    try:
        text = line.decode("ascii")
    except UnicodeDecodeError:
        raise ValueError("not ASCII")
    tokens = text.split()
    if tokens[:2] != ["chengxin-checkpoint", "v1"]:
        raise ValueError("does not start with \"chengxin-checkpoint v1\"")
    fields = {}
    for token in tokens[2:]:
        name, eq, value = token.partition("=")
        if not eq or name not in CHECKPOINT_FIELDS:
            raise ValueError(f"unknown field {token[:40]!r}")
        if name in fields:
            raise ValueError(f"field {name} repeated")
        fields[name] = value
    missing = [name for name in CHECKPOINT_FIELDS if name not in fields]
    if missing:
        raise ValueError(f"no {missing[0]}=")
    parsed = {}
    for name, size in _HEX_SIZES.items():
        value = fields[name]
        if len(value) != 2 * size or any(c not in "0123456789abcdefABCDEF" for c in value):
            raise ValueError(f"{name}= is not {2 * size} hexadecimal digits")
        parsed[name] = bytes.fromhex(value)
    if not fields["seq"] or any(c not in "0123456789" for c in fields["seq"]):
        raise ValueError("seq= is not a decimal number")
    parsed["seq"] = int(fields["seq"])
    try:
        parsed["at"] = datetime.datetime.strptime(fields["at"], "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise ValueError("at= is not YYYY-MM-DDTHH:MM:SSZ")
    canonical = render_checkpoint(parsed["log"], parsed["seq"], parsed["head"], parsed["at"], parsed["key"], parsed["sig"])
    if canonical != line:
        raise ValueError("not the canonical spelling of its fields (lower-case hex, seq without leading zeros, "
                         "one space between fields, nothing else)")
    parsed["signed"] = line[:line.index(b" sig=")]
    return parsed


def check_checkpoint_file(path: str, label: str, log: Log, public_key, report: Report, verified: dict):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return 0
    except OSError as e:
        report.damage(f"{label}: cannot be read ({e.strerror})")
        return 0
    lines = raw.split(b"\n")
    unfinished = lines.pop()  # the bytes after the last LF ("" when the file ends with LF)
    count = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith(b"#"):
            continue
        where = f"{label} line {number}"
        try:
            cp = parse_checkpoint(line)
        except ValueError as e:
            report.damage(f"malformed checkpoint: {where}: {e}")
            continue
        count += 1
        seq = cp["seq"]
        if cp["log"] != log.log_id:
            report.damage(f"foreign checkpoint: {where}: record {seq}: log={cp['log'].hex()}, this log's id is {log.log_id.hex()}")
            continue
        if public_key is not None and cp["key"] != public_key:
            report.damage(f"untrusted key: {where}: record {seq}: key={cp['key'].hex()} is not the checkpoint key's "
                          f"public key {public_key.hex()}")
            continue
        cache_key = (cp["key"], cp["signed"], cp["sig"])
        if cache_key not in verified:
            verified[cache_key] = ed25519_verify(cp["key"], cp["signed"], cp["sig"])
        if not verified[cache_key]:
            report.damage(f"bad signature: {where}: record {seq}: the signature does not verify over the line's bytes")
            continue
        if seq > log.n:
            report.damage(f"rolled back: {where}: record {seq}: the checkpoint covers record {seq}, the log has "
                          f"{log.n} good records (ending at byte offset {log.end})")
            continue
        actual = log.hash_of(seq)
        if actual != cp["head"]:
            start = log.records[seq - 1].start if seq else 32
            report.damage(f"rewritten: {where}: record {seq} at byte offset {start}: chain hash {actual.hex()}, "
                          f"the checkpoint says {cp['head'].hex()}")
    if unfinished:
        report.note(f"unfinished checkpoint line: {label} line {len(lines) + 1} has no LF "
                    f"({len(unfinished)} bytes of an unfinished write); ignored")
    return count


def check_mirrors(key_path: str, data_dir: str, log: Log, public_key, report: Report, verified: dict):
    folder = os.path.join(os.path.dirname(os.path.abspath(key_path)), "anchors")
    own = log.log_id.hex()
    check_checkpoint_file(os.path.join(folder, own + ".txt"), os.path.join(folder, own + ".txt"),
                          log, public_key, report, verified)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return
    here = os.path.realpath(data_dir)
    for name in names:
        if not name.endswith(".txt") or name[:-4] == own:
            continue
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as f:
                first = f.readline()
        except OSError:
            continue
        if not first.startswith(b"# data="):
            continue
        named = first[len(b"# data="):].rstrip(b"\n").decode("utf-8", "surrogateescape")
        if os.path.realpath(named) == here:
            report.damage(f"log id changed: {path}: its mirror names this data directory ({named}) for log "
                          f"{name[:-4]}, this log's id is {own}")


# ---------------------------------------------------------------------------------------------
# Anchors.

def parse_anchor(text: str):
    seq, colon, digest = text.strip().partition(":")
    if (not colon or not seq or any(c not in "0123456789" for c in seq) or len(digest) != 64
            or any(c not in "0123456789abcdefABCDEF" for c in digest)):
        raise UsageError(f"not an anchor SEQ:HASH (decimal, then 64 hex digits): {text.strip()!r}")
    return int(seq), bytes.fromhex(digest)


def check_anchors(anchors, log: Log, report: Report):
    for seq, digest in anchors:
        label = f"{seq}:{digest.hex()}"
        actual = log.hash_of(seq)
        if actual is None:
            report.damage(f"anchor not extended: anchor {label}: record {seq}: the log has {log.n} good records "
                          f"(ending at byte offset {log.end})")
        elif actual != digest:
            start = log.records[seq - 1].start if seq else 32
            report.damage(f"anchor not extended: anchor {label}: record {seq} at byte offset {start}: its chain hash "
                          f"is {actual.hex()}")


# ---------------------------------------------------------------------------------------------
# Snapshot.

def check_snapshot(data_dir: str, log: Log, private_key, unreadable, report: Report):
    path = os.path.join(data_dir, "snapshot.bin")
    try:
        with open(path, "rb") as f:
            snap = f.read()
    except FileNotFoundError:
        return
    if len(snap) < 16 or snap[:8] != SNAPSHOT_MAGIC:
        report.note("snapshot.bin is not a chengxin snapshot (no CXSNAP magic); not used by chengxin")
        return
    (version,) = struct.unpack_from("<I", snap, 8)
    if version != 2:
        report.note(f"snapshot.bin is version {version}: not used by chengxin (it replays the log)")
        return
    if private_key is None:
        report.note("snapshot not checked: no checkpoint key (its MAC cannot be verified; chengxin without the "
                    "key does not read it)")
        authentic = False
    else:
        if len(snap) < 136:
            report.damage(f"forged snapshot: snapshot.bin: {len(snap)} bytes, too short to hold its header and MAC")
            return
        key = hashlib.sha256(SNAPSHOT_KEY_LABEL + private_key).digest()
        mac = hmac.new(key, snap[:96] + snap[128:], hashlib.sha256).digest()
        if not hmac.compare_digest(mac, snap[96:128]):
            report.damage("forged snapshot: snapshot.bin: its HMAC-SHA256 does not hold under the snapshot key "
                          "(edited, or written under another key)")
            return
        authentic = True
    if len(snap) < 136:
        report.note(f"snapshot.bin: {len(snap)} bytes, too short for its header; not used by chengxin")
        return
    log_id = snap[16:32]
    s, start, end = struct.unpack_from("<QQQ", snap, 32)
    digest = snap[56:88]
    (p,) = struct.unpack_from("<Q", snap, 88)
    (u,) = struct.unpack_from("<Q", snap, 128)
    if log_id != log.log_id:
        report.note(f"stale/foreign snapshot: snapshot.bin belongs to log {log_id.hex()}, this log's id is "
                    f"{log.log_id.hex()}; chengxin ignores it")
        return
    if s > log.n:
        report.note(f"stale/foreign snapshot: snapshot.bin covers record {s}, the log has {log.n} good records; "
                    f"chengxin ignores it")
        return
    if s == 0:
        rec_start, rec_end = 32, 32
    else:
        rec = log.records[s - 1]
        rec_start, rec_end = rec.start, rec.end
    if log.hash_of(s) != digest or rec_end != end or (s and rec_start != start):
        report.note(f"stale/foreign snapshot: snapshot.bin's record {s} (byte offset {start} to {end}) is not this "
                    f"log's record {s} (byte offset {rec_start} to {rec_end}); chengxin ignores it")
        return
    if 136 + 8 * u + p != len(snap):
        report.note(f"snapshot.bin: its lengths (U = {u}, P = {p}) do not add up to its {len(snap)} bytes; "
                    f"not used by chengxin")
        return
    if authentic:
        listed = list(struct.unpack_from(f"<{u}Q", snap, 136))
        found = [seq for seq in unreadable if seq <= s]
        if listed != found:
            report.note(f"snapshot.bin lists unreadable events {listed[:20]} among records 1..{s}; this verifier, "
                        f"decoding every payload itself, found {found[:20]}")


# ---------------------------------------------------------------------------------------------

def run(argv, env, out) -> int:
    parser = argparse.ArgumentParser(prog="verify-log.py", description=__doc__.strip().splitlines()[0])
    parser.add_argument("data", metavar="DATA_DIR", help="the data directory (or its events.log)")
    parser.add_argument("--key", metavar="KEYFILE", help="the checkpoint key (default: $CHENGXIN_KEY, else "
                        "$XDG_CONFIG_HOME/chengxin/checkpoint.key, else ~/.config/chengxin/checkpoint.key)")
    parser.add_argument("--anchor", metavar="SEQ:HASH", action="append", default=[],
                        help="the log must extend this anchor (repeatable)")
    parser.add_argument("--anchors", metavar="FILE", action="append", default=[],
                        help="a file of anchors, one a line (# comments and blank lines ignored)")
    args = parser.parse_args(argv)  # exits 2 on a usage error

    path = args.data
    if os.path.isdir(path):
        data_dir, log_path = path, os.path.join(path, "events.log")
    else:
        data_dir, log_path = os.path.dirname(os.path.abspath(path)), path

    anchors = [parse_anchor(a) for a in args.anchor]
    for name in args.anchors:
        try:
            with open(name, encoding="utf-8") as f:
                for number, line in enumerate(f, start=1):
                    if not line.strip() or line.startswith("#"):
                        continue
                    try:
                        anchors.append(parse_anchor(line))
                    except UsageError as e:
                        raise UsageError(f"{name} line {number}: {e}")
        except OSError as e:
            raise UsageError(f"cannot read {name}: {e.strerror}")

    try:
        with open(log_path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise UsageError(f"not a chengxin log: {log_path} does not exist")
    except OSError as e:
        raise UsageError(f"cannot read {log_path}: {e.strerror}")
    if len(data) < 32 or data[:8] != FILE_MAGIC:
        raise UsageError(f"not a chengxin log: {log_path}")
    (version,) = struct.unpack_from("<I", data, 8)
    if version > 1:
        raise UsageError(f"written by a newer chengxin: format version {version} (this verifier knows version 1)")
    if version != 1:
        raise UsageError(f"not a chengxin log: format version {version}")

    key_path = args.key if args.key is not None else default_key_path(env)
    if is_inside(key_path, data_dir):
        raise UsageError(f"the checkpoint key {key_path} is inside the data directory {data_dir}: "
                         f"keep it outside (a key beside the log proves nothing)")

    private_key = read_private_key(key_path)
    public_key = ed25519_public_key(private_key) if private_key is not None else None

    report = Report()
    log = walk(data)
    witness = read_witness(data_dir, log, report)
    apply_witness(log, witness, report)
    # Reported last, as chengxin verify does (chain and witness, checkpoints, anchors, snapshot,
    # events); read first, for the snapshot's list.
    events = Report()
    unreadable = check_payloads(log, events)
    if private_key is None:
        report.note(f"no checkpoint key ({key_path} does not exist): checkpoints checked against the keys they "
                    f"name, the snapshot not checked")
    verified = {}
    check_checkpoint_file(os.path.join(data_dir, "checkpoints.txt"), "checkpoints.txt", log, public_key, report, verified)
    check_mirrors(key_path, data_dir, log, public_key, report, verified)
    check_anchors(anchors, log, report)
    check_snapshot(data_dir, log, private_key, unreadable, report)
    report.lines += events.lines

    first = next((text for is_damage, text in report.lines if is_damage), None)
    print(f"damaged: {first}" if first is not None else f"intact: {log.n} records", file=out)
    for is_damage, text in report.lines:
        print(("damage: " if is_damage else "note: ") + text, file=out)
    print(f"head hash: {log.head.hex()}", file=out)
    return 1 if report.damaged else 0


def main(argv=None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv, os.environ, sys.stdout)
    except UsageError as e:
        print(str(e), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
