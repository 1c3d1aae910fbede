#!/usr/bin/env python3
"""Standard-input ingest of chatt-memorize next to the sqlite3 command-line tool.

Writes N lines as `mosquitto_sub -v` prints them (20 rooms, 50 authors, an id and a ts
each), pipes them into a release chatt-memorize with a fresh database, and inserts the
same rows with `sqlite3` in one transaction into the same schema (same indexes, the same
full-text indexing), in the same run. Prints rates, the ratio and chatt-memorize's peak
RSS for each size, to show that memory stays flat however many lines come.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "chatt-memorize")


def lines(count):
    for i in range(count):
        payload = json.dumps({"author": f"user{i % 50}", "text": f"message number {i} about the weather and the build",
                              "id": f"bench-{i}", "ts": 1_700_000_000_000 + i}, separators=(",", ":"))
        yield f"rooms/room{i % 20}/newtext {payload}\n"


def sql_quote(text):
    return "'" + text.replace("'", "''") + "'"


def run_memorize(count, work):
    path = os.path.join(work, f"lines-{count}.txt")
    with open(path, "w") as out:
        out.writelines(lines(count))
    db = os.path.join(work, f"memorize-{count}.db")
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
    if stored != count:
        sys.exit(f"chatt-memorize stored {stored} of {count}")
    os.remove(path)
    return elapsed, usage.ru_maxrss / 1024.0, db


def run_sqlite3(count, work, schema_from):
    db = os.path.join(work, f"sqlite3-{count}.db")
    schema = subprocess.check_output(["sqlite3", schema_from, ".schema"], text=True)
    sql = os.path.join(work, "insert.sql")
    with open(sql, "w") as out:
        out.write("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n" + schema + "\nBEGIN;\n")
        for i in range(count):
            out.write("INSERT INTO message(room,author,text,messageID,ts,receivedAt) VALUES("
                      f"'room{i % 20}','user{i % 50}',{sql_quote(f'message number {i} about the weather and the build')},"
                      f"'bench-{i}',{1_700_000_000_000 + i},{1_700_000_000_000 + i});\n")
        # The same full-text indexing chatt-memorize does (once per transaction).
        out.write("INSERT INTO message_fts(rowid, text) SELECT id, text FROM message;\nCOMMIT;\n")
    with open(sql, "rb") as stdin:
        start = time.monotonic()
        subprocess.run(["sqlite3", db], stdin=stdin, stdout=subprocess.DEVNULL, check=True)
        elapsed = time.monotonic() - start
    os.remove(sql)
    return elapsed


def main():
    sizes = [int(arg) for arg in sys.argv[1:]] or [100_000, 1_000_000]
    with tempfile.TemporaryDirectory(prefix="chatt-bench-") as work:
        print(f"{'lines':>10} {'chatt-memorize':>16} {'sqlite3 (1 txn)':>16} {'ratio':>7} {'peak RSS':>9}")
        for count in sizes:
            elapsed, rss, db = run_memorize(count, work)
            reference = run_sqlite3(count, work, db)
            ours, theirs = count / elapsed, count / reference
            print(f"{count:>10} {ours:>12,.0f}/s {theirs:>12,.0f}/s {ours / theirs:>6.0%} {rss:>6.1f} MB")
            for suffix in ("", "-wal", "-shm"):
                for name in (db, os.path.join(work, f"sqlite3-{count}.db")):
                    if os.path.exists(name + suffix):
                        os.remove(name + suffix)


if __name__ == "__main__":
    main()
