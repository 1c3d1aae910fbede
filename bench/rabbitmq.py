#!/usr/bin/env python3
"""A QoS 1 flood through a three-node RabbitMQ cluster next to the same flood through one
mosquitto, in the same run (issue 20).

For each broker: a fresh database on one private PostgreSQL (initdb'd here, fsync on);
two `chatt-memorize --subscribe` (release build; their own client ids, no shared group,
as RabbitMQ has none: each stores every message, the database keeps one row per id);
MESSAGES messages published at QoS 1 by PUBLISHERS clients (paho-mqtt, 100 in flight
each). Two floods per broker:

- ingest: no failure; timed from the first publish to the last row stored;
- kill: `kill -9` of the broker memorize A is connected to when a quarter is stored
  (RabbitMQ: that node, restarted after the flood; mosquitto: the broker, restarted at
  once on the same port, persistence on with its default autosave). Publishers send what
  was not acknowledged again (to the next node, or to the restarted mosquitto). Measured:
  memorize A's failover (the kill to its next "connected" log line), acknowledged messages
  never stored (lost), rows stored twice, and the time until every stored row is in.

Usage: bench/rabbitmq.sh [MESSAGES]   (default 20000)
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "e2e"))

import postgres  # noqa: E402
import rabbitmq  # noqa: E402
from flood import Publisher  # noqa: E402
from harness import Broker, clean_environment, genpass  # noqa: E402

BINARY = Path(os.environ.get("CHATT_BENCH_BIN", ROOT / ".build" / "release")) / "chatt-memorize"
PUBLISHERS = 4
PASSPHRASE = "bench rabbitmq passphrase"
TIMEOUT = 900.0
SETTLE = 20.0  # seconds with no new row before a kill run counts what is stored as final


def message(run: str, i: int) -> tuple[str, str, str]:
    message_id = f"{run}-{i:06d}"
    payload = {"author": f"user{i % 50}", "text": f"message number {i} about the weather and the build",
               "id": message_id, "ts": 1_700_000_000_000 + i}
    return message_id, f"rooms/room{i % PUBLISHERS}/newtext", json.dumps(payload, separators=(",", ":"))


class Memorize:
    def __init__(self, name: str, brokers: list[str], db: str, work: Path, credentials):
        self.log = work / f"memorize-{name}.log"
        env = clean_environment(CHATT_USER=credentials[0], CHATT_PASS=credentials[1], LOG_LEVEL="info")
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen([str(BINARY), "--subscribe", "--broker", ",".join(brokers), "--db", db,
                                             "--client-id", f"bench-memorize-{name}", "--no-reverse-dns"],
                                            stdout=out, stderr=subprocess.STDOUT, env=env)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def connects(self) -> int:
        return self.text().count("connected to the MQTT broker")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait(what: str, condition, timeout: float = TIMEOUT, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}")
        time.sleep(interval)


def stored(pg, db: str, run: str) -> int:
    return int(pg.query(db, f"SELECT count(*) FROM message WHERE message_id LIKE '{run}-%'") or 0)


def flood(pg, db, run, count, ports, credentials, memorize_a, kill=None):
    """One flood; `kill()` is called at a quarter stored and returns a restart function."""
    messages = [message(run, i) for i in range(count)]
    publishers = [Publisher(p, ports, credentials, messages[p::PUBLISHERS], TIMEOUT) for p in range(PUBLISHERS)]
    start = time.monotonic()
    for publisher in publishers:
        publisher.start()
    result = {}
    restart = None
    if kill:
        wait("a quarter stored", lambda: stored(pg, db, run) >= count // 4)
        connects = memorize_a.connects()
        killed = time.monotonic()
        restart = kill()
        wait("memorize A to reconnect", lambda: memorize_a.connects() > connects, interval=0.02)
        result["memorize failover s"] = time.monotonic() - killed
    for publisher in publishers:
        publisher.join(TIMEOUT)
    published = time.monotonic()
    if restart:
        restart()
    acked = set().union(*(p.acked for p in publishers))
    if kill:
        # Every row that will come: wait until the count stops growing for SETTLE seconds.
        last, since = -1, time.monotonic()
        while time.monotonic() - since < SETTLE and last < count:
            now = stored(pg, db, run)
            if now != last:
                last, since = now, time.monotonic()
            time.sleep(0.2)
    else:
        wait("every message stored", lambda: stored(pg, db, run) >= count)
    done = time.monotonic()
    rows = pg.query(db, f"SELECT message_id FROM message WHERE message_id LIKE '{run}-%'").split()
    result.update({
        "acknowledged": len(acked), "stored": len(set(rows)),
        "lost": len(acked - set(rows)), "stored twice": len(rows) - len(set(rows)),
        "publisher reconnects": sum(p.reconnects for p in publishers),
        "publish s": published - start,
    })
    if not kill:
        result["stored msgs/s"] = count / (done - start)
    return result


def run_rabbitmq(pg, count, work, credentials):
    db = pg.create("rabbit")
    cluster = rabbitmq.RabbitCluster(work / "rabbit", credentials)
    cluster.start()
    nodes = cluster.nodes
    memorize = [Memorize("a", [n.url() for n in nodes], db, work, credentials),
                Memorize("b", [n.url() for n in (nodes[1], nodes[2], nodes[0])], db, work, credentials)]
    try:
        for m in memorize:
            wait("memorize to subscribe", lambda m=m: "[ChatMemorize] subscribed" in m.text(), timeout=120)
        ports = [n.mqtt_port for n in nodes]
        ingest = flood(pg, db, "r-ingest", count, ports, credentials, memorize[0])

        def kill():
            nodes[0].kill()  # memorize A's node (first in its list)

            def restart():
                nodes[0].start()
                nodes[0].wait_listening()
                nodes[0].wait_mqtt_ready()
            return restart
        failure = flood(pg, db, "r-kill", count, ports, credentials, memorize[0], kill)
        return ingest, failure
    finally:
        for m in memorize:
            m.stop()
        cluster.stop()


def run_mosquitto(pg, count, work, credentials):
    db = pg.create("mosquitto")
    (work / "mosquitto").mkdir()
    broker = Broker(work / "mosquitto", credentials)
    broker.start(websocket=False)
    memorize = [Memorize(name, [broker.url()], db, work, credentials) for name in ("ma", "mb")]
    try:
        for m in memorize:
            wait("memorize to subscribe", lambda m=m: "[ChatMemorize] subscribed" in m.text(), timeout=120)
        ingest = flood(pg, db, "m-ingest", count, [broker.port], credentials, memorize[0])

        def kill():
            broker.process.kill()
            broker.process.wait()
            broker.start(websocket=False)  # at once, same port and persistence file
            return None
        failure = flood(pg, db, "m-kill", count, [broker.port], credentials, memorize[0], kill)
        return ingest, failure
    finally:
        for m in memorize:
            m.stop()
        broker.stop()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    if not BINARY.exists():
        sys.exit(f"build first: swift build -c release --product chatt-memorize ({BINARY} is missing)")
    work = Path(tempfile.mkdtemp(prefix="chatt-bench-rabbit-"))
    credentials = genpass(PASSPHRASE)
    pg = postgres.Postgres(work)
    pg.start()
    try:
        results = {"mosquitto (one)": run_mosquitto(pg, count, work, credentials),
                   "RabbitMQ (3 nodes)": run_rabbitmq(pg, count, work, credentials)}
    finally:
        pg.stop()
    print(f"\n{count} messages per flood, {PUBLISHERS} QoS 1 publishers, two chatt-memorize (no shared group) "
          f"on PostgreSQL, everything on this machine ({os.cpu_count()} cores)\n")
    print("| broker | stored msgs/s (ingest) | memorize failover at kill -9 | acknowledged | lost | stored twice |")
    print("|---|---|---|---|---|---|")
    for name, (ingest, failure) in results.items():
        print(f"| {name} | {ingest['stored msgs/s']:,.0f} | {failure['memorize failover s']:.1f} s | "
              f"{failure['acknowledged']:,} | {failure['lost']:,} | {failure['stored twice']} |")
    print("\n" + json.dumps(results, indent=1))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
