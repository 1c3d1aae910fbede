#!/usr/bin/env python3
"""Standard-input ingest of chatt-memorize next to the sqlite3 command-line tool.

Writes N lines as `mosquitto_sub -v` prints them (20 rooms, 50 authors, an id and a ts
each), pipes them into a release chatt-memorize with a fresh database, and inserts the
same rows with `sqlite3` in one transaction into the same schema (same indexes, the same
full-text indexing), in the same run. Prints rates, the ratio and chatt-memorize's peak
RSS for each size, to show that memory stays flat however many lines come.

`--mix v2`: one line in five is a protocol v2 event (issue 16) instead of a message:
reactions (half of them), edits and deletes by the author, each on an earlier message;
the sqlite3 side then also writes what they change (reaction rows, earlier texts, the
updated text, the ids of the events dealt with). The rate counts every line.

`--signed` (issue 17): every newtext is signed by its author, whose key is announced
first (`users/<nick>/key`, 50 authors): memorize pins the keys and verifies every message
(Ed25519), storing `sig = verified`. Run next to the same lines unsigned, in the same run,
instead of the sqlite3 reference. Needs the `cryptography` package (Debian python3-cryptography, /usr/bin/python3).
"""
import base64
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# CHATT_MEMORIZE: another build to measure (a before/after comparison in the same conditions).
BINARY = os.environ.get("CHATT_MEMORIZE") or os.path.join(ROOT, ".build", "release", "chatt-memorize")


EMOJI = ["👍", "🎉", "😂", "❤️"]


def is_event(i, mix):
    return mix == "v2" and i % 5 == 4


def event(i):
    """The v2 event on line i (i % 5 == 4): kind, its payload, and the message (line) it targets."""
    k = i // 5
    target = i - 4 - 5 * (k % 7 == 3)  # a message 1 or 6 lines back: not always the newest
    author = f"user{target % 50}"
    kinds = ["react", "react", "edit", "delete"]
    kind = kinds[k % 4]
    base = {"id": f"event-{i:08d}", "ts": 1_700_000_000_000 + i, "target": f"bench-{target:08d}"}
    if kind == "react":
        base.update(author=f"user{i % 50}", emoji=EMOJI[k % 4], on=True)
    elif kind == "edit":
        base.update(author=author, text=f"message number {target} about the weather, fixed")
    else:
        base.update(author=author)
    return kind, base, target


def lines(count, mix=None):
    for i in range(count):
        if is_event(i, mix):
            kind, payload, target = event(i)
            yield f"rooms/room{target % 20}/{kind} {json.dumps(payload, separators=(',', ':'), ensure_ascii=False)}\n"
            continue
        payload = json.dumps({"author": f"user{i % 50}", "text": f"message number {i} about the weather and the build",
                              "id": f"bench-{i:08d}", "ts": 1_700_000_000_000 + i}, separators=(",", ":"))
        yield f"rooms/room{i % 20}/newtext {payload}\n"


def sql_quote(text):
    return "'" + text.replace("'", "''") + "'"


def message_count(count, mix):
    return sum(1 for i in range(count) if not is_event(i, mix))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_lines(count):
    """Key announcements of the 50 authors, then `count` newtext lines, each signed."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    raw = dict(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    keys = []
    for n in range(50):
        seed = hashlib.sha256(f"bench-user{n}".encode()).digest()
        signing = Ed25519PrivateKey.from_private_bytes(seed)
        sign = b64url(signing.public_key().public_bytes(**raw))
        dh = b64url(X25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest()).public_key().public_bytes(**raw))
        ts = 1_700_000_000_000
        sig = b64url(signing.sign(f"chatt-sig-1\nusers/user{n}/key\n{ts}\n{sign}\n{dh}".encode()))
        keys.append(signing)
        yield f"users/user{n}/key " + json.dumps({"sign": sign, "dh": dh, "ts": ts, "sig": sig}, separators=(",", ":")) + "\n"
    for i in range(count):
        author, room, ts, text, mid = f"user{i % 50}", f"room{i % 20}", 1_700_000_000_000 + i, \
            f"message number {i} about the weather and the build", f"bench-{i:08d}"
        sig = b64url(keys[i % 50].sign(f"chatt-sig-1\nrooms/{room}/newtext\n{mid}\n{ts}\n{author}\n\n{text}".encode()))
        payload = json.dumps({"author": author, "text": text, "id": mid, "ts": ts, "sig": sig}, separators=(",", ":"))
        yield f"rooms/{room}/newtext {payload}\n"


def run_memorize(count, work, mix=None):
    path = os.path.join(work, f"lines-{count}.txt")
    with open(path, "w") as out:
        out.writelines(signed_lines(count) if mix == "signed" else lines(count, mix))
    db = os.path.join(work, f"memorize-{count}{'-' + mix if mix else ''}.db")
    env = dict(os.environ, LOG_LEVEL="error")
    with open(path, "rb") as stdin:
        start = time.monotonic()
        proc = subprocess.Popen([BINARY, "--db", db, "--broker", "mqtt://127.0.0.1:9", "--no-reverse-dns"],
                                stdin=stdin, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - start
    if status != 0:
        sys.exit(f"chatt-memorize failed with status {status}")
    stored = int(subprocess.check_output(["sqlite3", db, "SELECT count(*) FROM message"]).strip())
    if stored != message_count(count, mix):
        sys.exit(f"chatt-memorize stored {stored} of {message_count(count, mix)}")
    if mix == "signed":
        verified = int(subprocess.check_output(["sqlite3", db, "SELECT count(*) FROM message WHERE sig = 'verified'"]).strip())
        if verified != count:
            sys.exit(f"chatt-memorize verified {verified} of {count} signed messages")
    if mix == "v2":
        done = int(subprocess.check_output(["sqlite3", db, "SELECT count(*) FROM conversation_event"]).strip())
        if done != count - message_count(count, mix):
            sys.exit(f"chatt-memorize applied {done} of {count - message_count(count, mix)} v2 events")
    os.remove(path)
    run_memorize.cpu = usage.ru_utime + usage.ru_stime  # CPU seconds, less load-bound than the wall clock
    return elapsed, usage.ru_maxrss / 1024.0, db


def event_sql(i):
    """What applying the v2 event of line i writes, as the store does it."""
    kind, payload, target = event(i)
    target_id = sql_quote(f"bench-{target:08d}")
    done = f"INSERT INTO conversation_event(eventID) VALUES({sql_quote(payload['id'])});\n"
    if kind == "react":
        return done + ("INSERT INTO reaction(message,emoji,author) SELECT id," + sql_quote(payload["emoji"]) + ","
                       + sql_quote(payload["author"]) + f" FROM message WHERE messageID={target_id} ON CONFLICT DO NOTHING;\n")
    if kind == "edit":
        return done + (f"INSERT INTO message_edit(message,text,ts) SELECT id,text,ts FROM message WHERE messageID={target_id};\n"
                       f"UPDATE message SET text={sql_quote(payload['text'])},editedAt={payload['ts']} WHERE messageID={target_id};\n")
    return done + f"UPDATE message SET text='',deleted=1 WHERE messageID={target_id};\n"


def run_sqlite3(count, work, schema_from, mix=None):
    db = os.path.join(work, f"sqlite3-{count}.db")
    schema = subprocess.check_output(["sqlite3", schema_from, ".schema"], text=True)
    sql = os.path.join(work, "insert.sql")
    with open(sql, "w") as out:
        out.write("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n" + schema + "\nBEGIN;\n")
        for i in range(count):
            if is_event(i, mix):
                out.write(event_sql(i))
                continue
            out.write("INSERT INTO message(room,author,text,messageID,ts,receivedAt) VALUES("
                      f"'room{i % 20}','user{i % 50}',{sql_quote(f'message number {i} about the weather and the build')},"
                      f"'bench-{i:08d}',{1_700_000_000_000 + i},{1_700_000_000_000 + i});\n")
        # The same full-text indexing chatt-memorize does (once per transaction).
        out.write("INSERT INTO message_fts(rowid, text) SELECT id, text FROM message;\nCOMMIT;\n")
    with open(sql, "rb") as stdin:
        start = time.monotonic()
        subprocess.run(["sqlite3", db], stdin=stdin, stdout=subprocess.DEVNULL, check=True)
        elapsed = time.monotonic() - start
    os.remove(sql)
    return elapsed


def main():
    args = sys.argv[1:]
    mix = None
    if "--mix" in args:
        at = args.index("--mix")
        mix = args[at + 1] if at + 1 < len(args) else ""
        if mix != "v2":
            sys.exit("--mix: the only mix is v2 (80 % newtext, 20 % v2 events)")
        del args[at:at + 2]
    signed = "--signed" in args
    if signed:
        args.remove("--signed")
    sizes = [int(arg) for arg in args] or ([100_000] if signed else [100_000, 1_000_000])
    if signed:
        with tempfile.TemporaryDirectory(prefix="chatt-bench-") as work:
            print(f"{'lines':>10} {'unsigned':>14} {'signed':>14} {'ratio':>7} {'peak RSS signed':>16}"
                  f" {'per CPU-s unsigned':>19} {'signed':>9}")
            for count in sizes:
                plain, _, plain_db = run_memorize(count, work)
                plain_cpu = run_memorize.cpu
                os.remove(plain_db)
                elapsed, rss, db = run_memorize(count, work, "signed")
                os.remove(db)
                print(f"{count:>10} {count / plain:>12,.0f}/s {count / elapsed:>12,.0f}/s {plain / elapsed:>6.0%} {rss:>12.1f} MB"
                      f" {count / plain_cpu:>19,.0f} {count / run_memorize.cpu:>9,.0f}")
        return
    if mix:
        print("mix: 80 % newtext, 20 % v2 events (react, edit, delete)")
    with tempfile.TemporaryDirectory(prefix="chatt-bench-") as work:
        print(f"{'lines':>10} {'chatt-memorize':>16} {'sqlite3 (1 txn)':>16} {'ratio':>7} {'peak RSS':>9}")
        for count in sizes:
            elapsed, rss, db = run_memorize(count, work, mix)
            reference = run_sqlite3(count, work, db, mix)
            ours, theirs = count / elapsed, count / reference
            print(f"{count:>10} {ours:>12,.0f}/s {theirs:>12,.0f}/s {ours / theirs:>6.0%} {rss:>6.1f} MB")
            for suffix in ("", "-wal", "-shm"):
                for name in (db, os.path.join(work, f"sqlite3-{count}.db")):
                    if os.path.exists(name + suffix):
                        os.remove(name + suffix)


if __name__ == "__main__":
    main()
