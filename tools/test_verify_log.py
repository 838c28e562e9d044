"""Tests of tools/verify-log.py. Run from the repository root:

    python3 -m unittest tools/test_verify_log.py

Every log here is built in Python from docs/log-format.md (header, records with CRC-32C and chain,
the witness, a checkpoint key and signed checkpoint lines, a snapshot), then altered by hand.
"""
import hashlib
import hmac
import importlib.util
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "verify-log.py")
_spec = importlib.util.spec_from_file_location("verify_log", TOOL)
vl = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vl)

LOG_ID = bytes(range(16))
OTHER_ID = bytes(range(100, 116))
PRIVATE = hashlib.sha256(b"test checkpoint key").digest()


def event(i: int, **changes) -> bytes:
    e = {"actor": "system", "at": "2026-11-27T02:32:11Z", "data": {"n": i, "text": f"眼镜城第{i}号"},
         "key": f"init:{i}", "type": "merchant.registered", "v": 1}
    e.update(changes)
    return json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def header(log_id=LOG_ID, version=1) -> bytes:
    return vl.FILE_MAGIC + struct.pack("<II", version, 0) + log_id


def frame(seq: int, prev: bytes, payload: bytes):
    body = vl.RECORD_MAGIC + struct.pack("<IQ", len(payload), seq) + prev + payload
    return body + struct.pack("<I", vl.crc32c(body)), hashlib.sha256(body).digest()


class Built:
    """A log built record by record: its bytes, and per record (start, end, chain hash)."""

    def __init__(self, payloads, log_id=LOG_ID, version=1):
        self.log_id = log_id
        self.data = bytearray(header(log_id, version))
        self.genesis = hashlib.sha256(bytes(self.data)).digest()
        self.records = []
        for p in payloads:
            self.append(p)

    def append(self, payload: bytes):
        prev = self.records[-1][2] if self.records else self.genesis
        rec, digest = frame(len(self.records) + 1, prev, payload)
        start = len(self.data)
        self.data += rec
        self.records.append((start, len(self.data), digest))

    def hash(self, seq):
        return self.genesis if seq == 0 else self.records[seq - 1][2]

    def end(self, seq):
        return 32 if seq == 0 else self.records[seq - 1][1]


def witness_slot(log_id, w, end, digest) -> bytes:
    s = vl.WITNESS_MAGIC + log_id + struct.pack("<QQ", w, end) + digest
    return s + struct.pack("<II", vl.crc32c(s), 0)


def checkpoint_line(log_id, seq, head, key=PRIVATE, at="2026-11-27T02:32:11Z", tamper=None) -> bytes:
    public = vl.ed25519_public_key(key)
    signed = f"chengxin-checkpoint v1 log={log_id.hex()} seq={seq} head={head.hex()} at={at} key={public.hex()}"
    if tamper:
        signed = tamper(signed)
    sig = vl.ed25519_sign(key, signed.encode())
    return (signed + " sig=" + sig.hex()).encode()


class Ed25519Tests(unittest.TestCase):
    # RFC 8032, section 7.1, TEST 1 to TEST 3: (secret key, public key, message, signature).
    VECTORS = [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
         "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
         "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
         "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ]

    def test_rfc8032_vectors(self):
        for secret, public, message, signature in self.VECTORS:
            sk, pk, msg, sig = (bytes.fromhex(x) for x in (secret, public, message, signature))
            self.assertEqual(vl.ed25519_public_key(sk), pk)
            self.assertEqual(vl.ed25519_sign(sk, msg), sig)
            self.assertTrue(vl.ed25519_verify(pk, msg, sig))
            self.assertFalse(vl.ed25519_verify(pk, msg + b"x", sig))
            bad = bytearray(sig)
            bad[5] ^= 1
            self.assertFalse(vl.ed25519_verify(pk, msg, bytes(bad)))
            bad = bytearray(sig)
            bad[40] ^= 1
            self.assertFalse(vl.ed25519_verify(pk, msg, bytes(bad)))
            # S + L (a non-canonical S) is refused.
            s = int.from_bytes(sig[32:], "little") + vl._L
            self.assertFalse(vl.ed25519_verify(pk, msg, sig[:32] + s.to_bytes(32, "little")))

    def test_crc32c_check_value(self):
        self.assertEqual(vl.crc32c(b"123456789"), 0xE3069283)


class VerifierTests(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.root = os.path.realpath(self._tmp.name)
        self.data = os.path.join(self.root, "data")
        self.config = os.path.join(self.root, "config")
        os.mkdir(self.data)
        os.mkdir(self.config)
        self.key_path = os.path.join(self.config, "checkpoint.key")
        self.anchors_dir = os.path.join(self.config, "anchors")

    def tearDown(self):
        self._tmp.cleanup()

    # Building.

    def write_log(self, built: Built, witness_w=None):
        with open(os.path.join(self.data, "events.log"), "wb") as f:
            f.write(bytes(built.data))
        if witness_w is not None:
            self.write_witness(built, witness_w)

    def write_witness(self, built: Built, w: int, log_id=None, end=None, digest=None):
        slots = bytearray(160)
        slot = witness_slot(log_id or built.log_id, w, built.end(w) if end is None else end,
                            built.hash(w) if digest is None else digest)
        slots[(w % 2) * 80:(w % 2) * 80 + 80] = slot
        with open(os.path.join(self.data, "acknowledged.bin"), "wb") as f:
            f.write(bytes(slots))

    def write_key(self, key=PRIVATE):
        with open(self.key_path, "w") as f:
            f.write(f"chengxin-checkpoint-key v1 {key.hex()}\n")

    def write_checkpoints(self, *lines: bytes, ending=b"\n"):
        with open(os.path.join(self.data, "checkpoints.txt"), "wb") as f:
            f.write(b"# checkpoints\n" + b"\n".join(lines) + ending)

    def write_mirror(self, log_id, *lines: bytes, data_dir=None):
        os.makedirs(self.anchors_dir, exist_ok=True)
        with open(os.path.join(self.anchors_dir, log_id.hex() + ".txt"), "wb") as f:
            f.write(f"# data={data_dir or self.data}\n".encode() + b"".join(line + b"\n" for line in lines))

    def write_snapshot(self, built: Built, s: int, unreadable=(), payload=b"CXSNAP\x02\x00state", key=PRIVATE,
                       version=2):
        start = built.records[s - 1][0] if s else 32
        head = vl.SNAPSHOT_MAGIC + struct.pack("<II", version, 0) + built.log_id
        head += struct.pack("<QQQ", s, start, built.end(s)) + built.hash(s) + struct.pack("<Q", len(payload))
        rest = struct.pack("<Q", len(unreadable)) + b"".join(struct.pack("<Q", u) for u in unreadable) + payload
        mac = hmac.new(hashlib.sha256(vl.SNAPSHOT_KEY_LABEL + key).digest(), head + rest, hashlib.sha256).digest()
        with open(os.path.join(self.data, "snapshot.bin"), "wb") as f:
            f.write(head + mac + rest)

    def run_tool(self, *args, target=None):
        env = dict(os.environ)
        env.pop("XDG_CONFIG_HOME", None)
        env["CHENGXIN_KEY"] = self.key_path
        env["HOME"] = self.root
        result = subprocess.run([sys.executable, TOOL, target or self.data, *args], env=env,
                                capture_output=True, text=True, timeout=120)
        return result.returncode, result.stdout, result.stderr

    def assertVerdict(self, expected_status, *fragments, args=(), first=None):
        status, out, err = self.run_tool(*args)
        self.assertEqual(status, expected_status, out + err)
        for fragment in fragments:
            self.assertIn(fragment, out)
        if first is not None:
            self.assertTrue(out.splitlines()[0].startswith(first), out)
        return out

    # Records, chain and witness.

    def test_intact(self):
        built = Built([event(i) for i in range(1, 6)])
        self.write_log(built, witness_w=5)
        out = self.assertVerdict(0, f"head hash: {built.hash(5).hex()}", first="intact: 5 records")
        self.assertIn("note: no checkpoint key", out)
        self.assertNotIn("damage", out)

    def test_log_path_given_directly(self):
        built = Built([event(1)])
        self.write_log(built, witness_w=1)
        status, out, _ = self.run_tool(target=os.path.join(self.data, "events.log"))
        self.assertEqual(status, 0, out)
        self.assertTrue(out.startswith("intact: 1 records"))

    def test_empty_log_and_no_witness(self):
        built = Built([])
        self.write_log(built)
        out = self.assertVerdict(0, "note: no witness", f"head hash: {built.genesis.hex()}", first="intact: 0 records")

    def test_torn_tail_without_witness(self):
        built = Built([event(i) for i in range(1, 4)])
        built.append(event(4))
        start = built.records[3][0]
        del built.data[start + 30:]
        self.write_log(built)
        self.assertVerdict(0, f"note: torn tail: record 4 at byte offset {start}", "note: no witness",
                           f"head hash: {built.hash(3).hex()}", first="intact: 3 records")

    def test_torn_tail_with_lower_witness(self):
        built = Built([event(i) for i in range(1, 4)])
        self.write_witness(built, 3)
        built.append(event(4))
        start = built.records[3][0]
        del built.data[-3:]
        self.write_log(built)
        self.assertVerdict(0, f"note: torn tail: record 4 at byte offset {start}", first="intact: 3 records")

    def test_last_record_flipped_with_witness(self):
        built = Built([event(i) for i in range(1, 5)])
        self.write_log(built, witness_w=4)
        start = built.records[3][0]
        built.data[start + 60] ^= 0x01
        self.write_log(built)
        self.assertVerdict(1, f"damaged: record 4 at byte offset {start}: acknowledged record damaged")

    def test_witness_ahead_of_log_cut_at_boundary(self):
        built = Built([event(i) for i in range(1, 6)])
        self.write_log(built, witness_w=5)
        cut = built.records[2][1]
        del built.data[cut:]
        self.write_log(built)
        self.assertVerdict(1, f"damaged: record 4 at byte offset {cut}: acknowledged record missing")

    def test_witness_differs(self):
        built = Built([event(i) for i in range(1, 4)])
        self.write_log(built)
        self.write_witness(built, 2, digest=b"\x07" * 32)
        self.assertVerdict(1, f"damaged: record 2 at byte offset {built.records[1][0]}: differs from the witness")

    def test_witness_of_another_log(self):
        built = Built([event(i) for i in range(1, 4)])
        self.write_log(built)
        self.write_witness(built, 3, log_id=OTHER_ID)
        self.assertVerdict(1, "the witness belongs to another log", first="damaged: acknowledged.bin slot 1")

    def test_witness_torn_slot_ignored_other_slot_used(self):
        built = Built([event(i) for i in range(1, 4)])
        self.write_log(built)
        slots = bytearray(160)
        slots[0:80] = witness_slot(LOG_ID, 2, built.end(2), built.hash(2))
        slots[80:160] = witness_slot(LOG_ID, 3, built.end(3), built.hash(3))
        slots[80 + 30] ^= 0xFF  # slot 1 torn: ignored; slot 0 (W = 2) is the witness
        with open(os.path.join(self.data, "acknowledged.bin"), "wb") as f:
            f.write(bytes(slots))
        self.assertVerdict(0, first="intact: 3 records")

    def test_chain_break(self):
        built = Built([event(i) for i in range(1, 6)])
        # Record 3 altered and its CRC recomputed: record 4's link breaks.
        start, end, _ = built.records[2]
        payload = bytearray(built.data[start + 48:end - 4])
        payload[-2] = ord("0")
        body = bytes(built.data[start:start + 48]) + bytes(payload)
        built.data[start:end] = body + struct.pack("<I", vl.crc32c(body))
        self.write_log(built, witness_w=5)
        self.assertVerdict(1, f"damaged: record 4 at byte offset {built.records[3][0]}: hash chain broken")

    def test_sequence_gap(self):
        built = Built([event(i) for i in range(1, 3)])
        rec, _ = frame(4, built.hash(2), event(3))
        start = len(built.data)
        built.data += rec
        self.write_log(built)
        self.assertVerdict(1, f"damaged: record 3 at byte offset {start}: sequence gap (found 4)")

    def test_corruption_followed_by_valid_records(self):
        built = Built([event(i) for i in range(1, 6)])
        start = built.records[1][0]
        built.data[start + 50] ^= 0x20
        self.write_log(built)  # no witness: still corruption, valid records follow
        self.assertVerdict(1, f"damaged: record 2 at byte offset {start}: not a well-formed record, and well-formed "
                              f"records follow (the next at byte offset {built.records[2][0]})")

    # Payloads.

    def test_unreadable_payloads(self):
        cases = [
            (b"not json at all", "not JSON"),
            (json.dumps({"actor": "a", "at": "t", "data": {}, "v": 1}).encode(), 'no "type"'),
            (event(3, v=2), '"v" is 2, not 1'),
            (event(4, v=True), '"v" is true, not 1'),
            (b"[1,2]", "not a JSON object"),
            (event(6, data=[1]), '"data" is not an object'),
            (event(7, key=7), '"key" is neither absent, null nor a string'),
            (b'{"actor":"a","at":"t","data":{},"type":"x","v":1,"n":NaN}', "not JSON"),
            (b'{"actor":"a","at":"\xff","data":{},"type":"x","v":1}', "not UTF-8"),
        ]
        for payload, why in cases:
            with self.subTest(why=why):
                built = Built([event(1), payload, event(3)])
                self.write_log(built, witness_w=3)
                self.assertVerdict(1, f"damaged: unreadable event: record 2 at byte offset {built.records[1][0]}: {why}")

    def test_readable_payload_without_key(self):
        p = json.dumps({"actor": "a", "at": "t", "data": {}, "type": "x", "v": 1}, separators=(" , ", " : ")).encode()
        null_key = json.dumps({"actor": "a", "at": "t", "data": {}, "key": None, "type": "x", "v": 1}).encode()
        built = Built([p, null_key])
        self.write_log(built, witness_w=2)
        self.assertVerdict(0, first="intact: 2 records")

    # Checkpoints.

    def signed_log(self, n=5):
        built = Built([event(i) for i in range(1, n + 1)])
        self.write_log(built, witness_w=n)
        self.write_key()
        return built

    def test_checkpoints_intact_in_both_files(self):
        built = self.signed_log()
        lines = [checkpoint_line(LOG_ID, 0, built.genesis), checkpoint_line(LOG_ID, 5, built.hash(5))]
        self.write_checkpoints(*lines)
        self.write_mirror(LOG_ID, *lines)
        out = self.assertVerdict(0, first="intact: 5 records")
        self.assertNotIn("note:", out)

    def test_foreign_checkpoint(self):
        built = self.signed_log()
        self.write_checkpoints(checkpoint_line(OTHER_ID, 3, built.hash(3)))
        self.assertVerdict(1, "damaged: foreign checkpoint: checkpoints.txt line 2")

    def test_upper_case_hex_is_malformed(self):
        built = self.signed_log()
        line = checkpoint_line(LOG_ID, 3, built.hash(3), tamper=lambda s: s.replace(built.hash(3).hex(), built.hash(3).hex().upper()))
        self.write_checkpoints(line)
        self.assertVerdict(1, "damaged: malformed checkpoint: checkpoints.txt line 2: not the canonical spelling")

    def test_leading_zero_seq_is_malformed(self):
        built = Built([event(i) for i in range(1, 653)])
        self.write_log(built, witness_w=652)
        self.write_key()
        # Properly signed over its own bytes, but seq=0652 is not the canonical spelling.
        line = checkpoint_line(LOG_ID, 652, built.hash(652), tamper=lambda s: s.replace("seq=652", "seq=0652"))
        self.assertIn(b"seq=0652", line)
        self.write_checkpoints(line)
        self.assertVerdict(1, "damaged: malformed checkpoint: checkpoints.txt line 2")

    def test_other_malformed_spellings(self):
        built = self.signed_log()
        good = checkpoint_line(LOG_ID, 3, built.hash(3))
        for bad in (good.replace(b" seq=", b"  seq="), good + b" extra=1", good + b"\r", b"chengxin-checkpoint v1",
                    good.replace(b"at=2026-11-27T02:32:11Z", b"at=2026-11-27 02:32:11Z")):
            with self.subTest(bad=bad[-30:]):
                self.write_checkpoints(bad)
                self.assertVerdict(1, "damaged: malformed checkpoint: checkpoints.txt line 2")

    def test_bad_signature(self):
        built = self.signed_log()
        line = bytearray(checkpoint_line(LOG_ID, 3, built.hash(3)))
        i = line.index(b" sig=") + 10
        line[i] = ord("0") if line[i] != ord("0") else ord("1")
        self.write_checkpoints(bytes(line))
        self.assertVerdict(1, "damaged: bad signature: checkpoints.txt line 2: record 3")

    def test_untrusted_key(self):
        built = self.signed_log()
        other = hashlib.sha256(b"another key").digest()
        self.write_checkpoints(checkpoint_line(LOG_ID, 3, built.hash(3), key=other))
        self.assertVerdict(1, "damaged: untrusted key: checkpoints.txt line 2")

    def test_without_the_key_checkpoints_checked_against_the_key_they_name(self):
        built = Built([event(i) for i in range(1, 6)])
        self.write_log(built, witness_w=5)
        other = hashlib.sha256(b"another key").digest()
        self.write_checkpoints(checkpoint_line(LOG_ID, 3, built.hash(3), key=other))
        self.assertVerdict(0, "note: no checkpoint key", first="intact: 5 records")

    def test_rolled_back(self):
        built = self.signed_log(5)
        line = checkpoint_line(LOG_ID, 5, built.hash(5))
        cut = built.records[2][1]
        del built.data[cut:]
        self.write_log(built, witness_w=3)  # witness rewritten too: only the checkpoint tells
        self.write_checkpoints(line)
        self.assertVerdict(1, "damaged: rolled back: checkpoints.txt line 2: record 5: the checkpoint covers record 5, "
                              f"the log has 3 good records (ending at byte offset {cut})")

    def test_rolled_back_seen_through_the_mirror_only(self):
        built = self.signed_log(5)
        line = checkpoint_line(LOG_ID, 5, built.hash(5))
        del built.data[built.records[2][1]:]
        self.write_log(built, witness_w=3)
        self.write_mirror(LOG_ID, line)
        self.assertVerdict(1, f"damaged: rolled back: {os.path.join(self.anchors_dir, LOG_ID.hex() + '.txt')} line 2")

    def test_rewritten(self):
        built = self.signed_log(5)
        line = checkpoint_line(LOG_ID, 4, built.hash(4))
        rewritten = Built([event(i) for i in (1, 2, 3, 99, 5)])  # re-chained from the start, same log id
        self.write_log(rewritten, witness_w=5)
        self.write_checkpoints(line)
        self.assertVerdict(1, f"damaged: rewritten: checkpoints.txt line 2: record 4 at byte offset "
                              f"{rewritten.records[3][0]}: chain hash {rewritten.hash(4).hex()}")

    def test_unfinished_last_checkpoint_line(self):
        built = self.signed_log()
        good = checkpoint_line(LOG_ID, 3, built.hash(3))
        self.write_checkpoints(good, good[:50], ending=b"")
        self.assertVerdict(0, "note: unfinished checkpoint line: checkpoints.txt line 3 has no LF",
                           first="intact: 5 records")

    def test_log_id_changed_via_mirror(self):
        built = self.signed_log()
        self.write_mirror(OTHER_ID, b"# nothing else")
        # A mirror naming another data directory is none of this log's business.
        os.mkdir(os.path.join(self.root, "elsewhere"))
        self.write_mirror(bytes(16), data_dir=os.path.join(self.root, "elsewhere"))
        self.assertVerdict(1, f"damaged: log id changed: {os.path.join(self.anchors_dir, OTHER_ID.hex() + '.txt')}")
        out = self.run_tool()[1]
        self.assertNotIn(bytes(16).hex() + ".txt", out)

    def test_log_id_changed_through_a_symlinked_path(self):
        built = self.signed_log()
        link = os.path.join(self.root, "link-to-data")
        os.symlink(self.data, link)
        self.write_mirror(OTHER_ID, data_dir=link)
        self.assertVerdict(1, "damaged: log id changed")

    # Anchors.

    def test_anchor_extended_and_not(self):
        built = Built([event(i) for i in range(1, 6)])
        self.write_log(built, witness_w=5)
        self.assertVerdict(0, first="intact: 5 records",
                           args=("--anchor", f"3:{built.hash(3).hex()}", "--anchor", f"0:{built.genesis.hex()}"))
        self.assertVerdict(1, "damaged: anchor not extended: anchor 3:", args=("--anchor", f"3:{'ab' * 32}"))
        self.assertVerdict(1, "damaged: anchor not extended: anchor 9:", args=("--anchor", f"9:{built.hash(3).hex()}"))
        anchors = os.path.join(self.root, "anchors.txt")
        with open(anchors, "w") as f:
            f.write(f"# printed 2026-11-30\n\n5:{built.hash(5).hex()}\n")
        self.assertVerdict(0, first="intact: 5 records", args=("--anchors", anchors))
        with open(anchors, "w") as f:
            f.write(f"5:{built.hash(4).hex()}\n")
        self.assertVerdict(1, "anchor not extended", args=("--anchors", anchors))
        self.assertVerdict(2, args=("--anchor", "5:xyz"))

    # Snapshots.

    def test_snapshot_authentic_and_bound(self):
        built = self.signed_log()
        self.write_snapshot(built, 3)
        out = self.assertVerdict(0, first="intact: 5 records")
        self.assertNotIn("snapshot", out)

    def test_forged_snapshot(self):
        built = self.signed_log()
        self.write_snapshot(built, 3)
        path = os.path.join(self.data, "snapshot.bin")
        with open(path, "r+b") as f:
            f.seek(140)
            b = f.read(1)
            f.seek(140)
            f.write(bytes([b[0] ^ 1]))
        self.assertVerdict(1, "damaged: forged snapshot: snapshot.bin")
        os.remove(self.key_path)
        self.assertVerdict(0, "note: snapshot not checked", first="intact: 5 records")

    def test_snapshot_under_another_key_is_forged(self):
        built = self.signed_log()
        self.write_snapshot(built, 3, key=hashlib.sha256(b"another key").digest())
        self.assertVerdict(1, "damaged: forged snapshot")

    def test_stale_or_foreign_snapshot_is_a_note(self):
        built = self.signed_log()
        other = Built([event(i) for i in (1, 2, 77)])
        self.write_snapshot(other, 3)  # same log id, another history: record 3 differs
        self.assertVerdict(0, "note: stale/foreign snapshot", first="intact: 5 records")

    def test_snapshot_version_1_is_a_note(self):
        built = self.signed_log()
        self.write_snapshot(built, 3, version=1)
        self.assertVerdict(0, "note: snapshot.bin is version 1", first="intact: 5 records")

    def test_snapshot_list_of_unreadable_events_is_not_relied_on(self):
        built = Built([event(1), b"garbage", event(3)])
        self.write_log(built, witness_w=3)
        self.write_key()
        self.write_snapshot(built, 3, unreadable=())  # authentic, but says nothing is unreadable
        self.assertVerdict(1, f"damaged: unreadable event: record 2 at byte offset {built.records[1][0]}",
                           "note: snapshot.bin lists unreadable events []")

    # Exit 2.

    def test_not_a_log(self):
        with open(os.path.join(self.data, "events.log"), "wb") as f:
            f.write(b"hello, this is not a chengxin log at all")
        status, out, err = self.run_tool()
        self.assertEqual(status, 2)
        self.assertIn("not a chengxin log", err)
        with open(os.path.join(self.data, "events.log"), "wb") as f:
            f.write(vl.FILE_MAGIC)  # too short
        self.assertEqual(self.run_tool()[0], 2)

    def test_newer_version(self):
        self.write_log(Built([event(1)], version=2))
        status, out, err = self.run_tool()
        self.assertEqual(status, 2)
        self.assertIn("newer", err)

    def test_key_inside_data_directory(self):
        self.write_log(Built([event(1)]))
        inside = os.path.join(self.data, "checkpoint.key")
        status, _, err = self.run_tool("--key", inside)
        self.assertEqual(status, 2)
        self.assertIn("inside the data directory", err)

    def test_usage_error(self):
        self.assertEqual(self.run_tool("--no-such-option")[0], 2)


class SpeedTests(unittest.TestCase):
    def test_five_megabytes_in_a_few_seconds(self):
        import time
        built = Built([])
        i = 0
        while len(built.data) < 5_000_000:
            i += 1
            built.append(event(i, data={"n": i, "note": "x" * 200}))
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data")
            os.mkdir(data)
            with open(os.path.join(data, "events.log"), "wb") as f:
                f.write(bytes(built.data))
            env = dict(os.environ, CHENGXIN_KEY=os.path.join(tmp, "no.key"))
            t = time.monotonic()
            result = subprocess.run([sys.executable, TOOL, data], env=env, capture_output=True, text=True)
            elapsed = time.monotonic() - t
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertTrue(result.stdout.startswith(f"intact: {i} records"))
        self.assertLess(elapsed, 10, f"{elapsed:.1f} s")


if __name__ == "__main__":
    unittest.main()
