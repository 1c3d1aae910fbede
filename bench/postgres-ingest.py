#!/usr/bin/env python3
"""chatt-memorize ingest on PostgreSQL, one and two instances, next to `psql \\copy`.

Starts a private PostgreSQL cluster (initdb in a temporary directory, a free loopback
port, default durability: fsync and synchronous_commit on) and a private mosquitto. For 1
and for 2 instances: a fresh database; `chatt-memorize --subscribe --shared-group bench`
instances (persistent sessions, each message acknowledged once stored); MESSAGES messages
published at QoS 1 by two `mosquitto_pub -l` processes. Live: timed from the first
publish to the moment `count(*)` in the database reaches MESSAGES. Drained: the messages
queued at the broker while the instances were stopped, timed from their start. The
references, in the same run: `mosquitto_sub` draining the same queued messages (the MQTT
path alone), and `psql \\copy` of the same rows into a fresh database with the same
schema (same indexes, the same generated tsvector column) in one transaction.
"""
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "chatt-memorize")
PUBLISHERS = 2


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, timeout=60.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    sys.exit(f"timed out waiting for {what}")


class Postgres:
    def __init__(self, work):
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not candidates:
            sys.exit("PostgreSQL is not installed: apt-get install postgresql")
        self.bin = candidates[-1]
        self.dir = os.path.join(work, "pg")
        os.makedirs(self.dir)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(work, "postgres")
            shutil.chown(self.dir, "postgres")
        self.run_tool("initdb", "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C", "--no-sync", stdout=subprocess.DEVNULL)
        self.port = free_port()
        self.process = subprocess.Popen(self.command("postgres", "-D", f"{self.dir}/data", "-p", str(self.port),
                                                     "-k", self.dir, "-c", "listen_addresses=127.0.0.1",
                                                     "-c", "max_connections=100"),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for("PostgreSQL", lambda: self.query("postgres", "SELECT 1", check=False) == "1")

    def command(self, tool, *arguments):
        path = os.path.join(self.bin, tool)
        if self.as_root:
            return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", path, *arguments]
        return [path, *arguments]

    def run_tool(self, tool, *arguments, **options):
        subprocess.run(self.command(tool, *arguments), check=True, **options)

    def query(self, database, sql, check=True):
        result = subprocess.run([os.path.join(self.bin, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                                 "postgres", "-d", database, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            sys.exit(f"psql: {result.stderr}")
        return result.stdout.strip()

    def create(self, database):
        self.query("postgres", f"CREATE DATABASE {database}")
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)


class Broker:
    def __init__(self, work):
        self.port = free_port()
        config = os.path.join(work, "mosquitto.conf")
        with open(config, "w") as out:
            if os.geteuid() == 0:
                out.write("user root\n")
            out.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                      "max_queued_messages 10000000\nmax_inflight_messages 1000\n")
        self.process = subprocess.Popen(["mosquitto", "-c", config], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

        def accepting():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                return False
        wait_for("mosquitto", accepting)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def row(i):
    """Message i's payload; run_copy loads the same fields."""
    return {"author": f"user{i % 50}",
            "text": f"message number {i} about the weather and the build",
            "id": f"bench-{i}", "ts": 1_700_000_000_000 + i}


def publisher_files(count, work):
    """The payloads split into PUBLISHERS files of `mosquitto_pub -l` lines (message i to publisher i mod PUBLISHERS)."""
    files = []
    for p in range(PUBLISHERS):
        path = os.path.join(work, f"publisher-{p}.txt")
        with open(path, "w") as out:
            for i in range(p, count, PUBLISHERS):
                out.write(json.dumps(row(i), separators=(",", ":")) + "\n")
        files.append(path)
    return files


def publish(broker, files):
    """Starts one `mosquitto_pub -l -q 1` per file; publisher p sends to room p."""
    return [subprocess.Popen(["sh", "-c", f"mosquitto_pub -h 127.0.0.1 -p {broker.port} -q 1 "
                                          f"-t rooms/room{p}/newtext -l < {path}"])
            for p, path in enumerate(files)]


def wait_all(processes):
    for process in processes:
        if process.wait() != 0:
            sys.exit(f"{process.args} failed")


class Memorize:
    """`instances` chatt-memorize processes in one shared group, on database `database`."""

    def __init__(self, instances, database, url, broker, work):
        self.instances, self.database, self.url, self.broker, self.work = instances, database, url, broker, work
        self.daemons, self.logs, self.starts = [], [], 0

    def start(self):
        env = dict(os.environ, LOG_LEVEL="info")
        self.starts += 1
        self.logs = [open(os.path.join(self.work, f"{self.database}-{n}-start{self.starts}.log"), "w+")
                     for n in range(self.instances)]
        # A group of its own per configuration: the persistent sessions of another
        # configuration's instances stay in theirs, and would take their share.
        self.daemons = [subprocess.Popen(
            [BINARY, "--subscribe", "--shared-group", f"bench{self.instances}",
             "--client-id", f"bench-{self.instances}-{n}", "--db", self.url,
             "--broker", f"mqtt://127.0.0.1:{self.broker.port}", "--no-greet", "--no-reverse-dns"],
            stdout=subprocess.DEVNULL, stderr=log, env=env) for n, log in enumerate(self.logs)]

    def wait_subscribed(self):
        def subscribed():
            for log in self.logs:
                log.seek(0)
                if "subscribed" not in log.read():
                    return False
            return True
        wait_for("memorize to subscribe", subscribed)

    def wait_stored(self, pg, count):
        stored = 0
        while stored < count:
            time.sleep(0.05)
            stored = int(pg.query(self.database, "SELECT count(*) FROM message") or 0)
            if any(d.poll() is not None for d in self.daemons):
                sys.exit("a chatt-memorize instance exited early")

    def stop(self):
        for d in self.daemons:
            d.send_signal(signal.SIGTERM)
        for d, log in zip(self.daemons, self.logs):
            if d.wait(timeout=60) != 0:
                log.seek(0)
                sys.exit(f"chatt-memorize did not stop cleanly ({d.returncode}):\n{log.read()[-3000:]}")
        for log in self.logs:
            log.close()


def run_memorize(instances, count, pg, broker, work, files):
    """Two figures: live (timed from the first publish to the last row stored, memorize
    running) and drained (the messages queued at the broker while memorize was stopped,
    timed from its start to the last row): the second is memorize's own pace."""
    results = {}
    for mode in ("live", "drained"):
        database = f"bench{instances}{mode}"
        memorize = Memorize(instances, database, pg.create(database), broker, work)
        memorize.start()
        memorize.wait_subscribed()
        if mode == "live":
            start = time.monotonic()
            publishers = publish(broker, files)
            memorize.wait_stored(pg, count)
            results[mode] = time.monotonic() - start
            wait_all(publishers)
        else:
            memorize.stop()
            wait_all(publish(broker, files))
            start = time.monotonic()
            memorize.start()
            memorize.wait_stored(pg, count)
            results[mode] = time.monotonic() - start
        memorize.stop()
        distinct = int(pg.query(database, "SELECT count(DISTINCT message_id) FROM message"))
        if distinct != count:
            sys.exit(f"{instances} instance(s), {mode}: {distinct} distinct ids stored of {count}")
    return results, f"bench{instances}live"


def run_mosquitto_sub(count, broker, files):
    """The MQTT path alone: the same messages queued for a persistent mosquitto_sub
    session, then drained by it (`-C count`)."""
    base = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-i", "raw-drain", "-c", "-q", "1",
            "-t", "rooms/#"]
    subprocess.run(base + ["-E"], check=True)
    wait_all(publish(broker, files))
    start = time.monotonic()
    subprocess.run(base + ["-C", str(count)], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def run_copy(count, pg, work, schema_from):
    pg.create("copyref")
    schema = subprocess.run([os.path.join(pg.bin, "pg_dump"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
                             "-s", "-t", "message", schema_from], capture_output=True, text=True, check=True).stdout
    subprocess.run([os.path.join(pg.bin, "psql"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-d",
                    "copyref", "-Xq", "-v", "ON_ERROR_STOP=1"], input=schema, text=True, check=True,
                   stdout=subprocess.DEVNULL)
    csv = os.path.join(work, "rows.csv")
    with open(csv, "w") as out:
        for i in range(count):
            # The rooms as the publishers send them (publisher p → room p).
            r = row(i)
            out.write(f"room{i % PUBLISHERS},{r['author']},{r['text']},{r['id']},{r['ts']},{r['ts']}\n")
    start = time.monotonic()
    pg.query("copyref", f"\\copy message(room,author,text,message_id,ts,received_at) FROM '{csv}' CSV")
    elapsed = time.monotonic() - start
    if int(pg.query("copyref", "SELECT count(*) FROM message")) != count:
        sys.exit("\\copy did not load every row")
    return elapsed


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if count // PUBLISHERS > 65000:
        sys.exit(f"at most {65000 * PUBLISHERS} messages (mosquitto_pub -l stops past 65535 message ids)")
    with tempfile.TemporaryDirectory(prefix="chatt-bench-pg-") as work:
        os.chmod(work, 0o755)
        pg = Postgres(work)
        broker = Broker(work)
        try:
            files = publisher_files(count, work)
            one, database = run_memorize(1, count, pg, broker, work, files)
            two, _ = run_memorize(2, count, pg, broker, work, files)
            raw = run_mosquitto_sub(count, broker, files)
            copy = run_copy(count, pg, work, database)
        finally:
            broker.stop()
            pg.stop()
    print(f"{count} messages over MQTT (QoS 1, {PUBLISHERS} mosquitto_pub) into PostgreSQL (fsync on), same run:")
    print(f"{'':>38} {'seconds':>8} {'msgs/s':>9}")
    rows = [("chatt-memorize x1, live", one["live"]), ("chatt-memorize x2, live", two["live"]),
            ("chatt-memorize x1, drained", one["drained"]), ("chatt-memorize x2, drained", two["drained"]),
            ("mosquitto_sub drained (MQTT alone)", raw), ("psql \\copy, 1 txn (PostgreSQL alone)", copy)]
    for name, elapsed in rows:
        print(f"{name:>38} {elapsed:8.2f} {count / elapsed:9.0f}")


if __name__ == "__main__":
    main()
