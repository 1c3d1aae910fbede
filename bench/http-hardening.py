#!/usr/bin/env python3
"""Measures chatt-server against the attacks of issue 14 (items 4, 8, 9) and prints the
figures for docs/security.md. Loopback only; starts its own chatt-server.

    bench/http-hardening.py [--bin .build/debug] [--search-db FILE]

- lastinfo: 20 rooms x 50 messages of 16 KB of control characters (6 bytes each as JSON);
  size, time of the first build, 20 simultaneous page opens, the server's RSS.
- search (with --search-db, a database filled by chatt-bench-fill): one `q=ab` search, then
  16 simultaneous searches while /healthz and /data/lastinfo are timed.
- auth: 1,000 wrong passwords in a row from one address: how many were checked (401) and
  how many refused unchecked (429).

Figures, 2026-12-01, shared 2-core machine, debug builds; "before" is cfd63d7's chatt-server:

| attack | before | after |
|---|---|---|
| lastinfo of 20 rooms x 50 x 16 KB controls | 96,038,387 B (168,820 gzip) | 961,046 B (2,044 gzip) |
| 20 simultaneous opens after a change | 10.8 s in all, each 2.8-10.8 s; RSS 75 -> 303 MB | 0.10 s, each 0.07-0.09 s; RSS 76 -> 111 MB |
| search q=th on 1M messages | 2.0 s | 0.09 s |
| 16 searchers for 8 s | /healthz up to 15.8 s | 503 past 2 at once; /healthz <= 0.04 s, lastinfo <= 0.15 s |
| 1,000 wrong passwords | 1,000 checked in 1.9 s | 10 checked, 990 refused (429) |
"""
from __future__ import annotations

import argparse
import base64
import concurrent.futures
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, binary: Path, db: Path, workdir: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        config = workdir / "chatt.yaml"
        config.write_text("http:\n  max_body_bytes: 67108864\n")
        environment = {k: v for k, v in os.environ.items() if k not in {"USER", "PASS", "CHATT_USER", "CHATT_PASS"}}
        environment.update(env or {})
        self.log = open(workdir / "server.log", "wb")
        self.process = subprocess.Popen(
            [str(binary), "--config", str(config), "--db", str(db), "--bind", "127.0.0.1", "--port", str(self.port),
             "--web-root", str(ROOT / "web")], stdout=self.log, stderr=subprocess.STDOUT, env=environment)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("chatt-server did not start")
                time.sleep(0.1)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, path: str, body: bytes | None = None, headers: dict[str, str] | None = None):
        request = urllib.request.Request(self.url(path), data=body, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)
        self.log.close()


def timed(function):
    start = time.monotonic()
    result = function()
    return result, time.monotonic() - start


def lastinfo_bench(binary: Path, workdir: Path) -> None:
    server = Server(binary, workdir / "lastinfo.db", workdir)
    try:
        text = "\u0001" * 16_000
        for room in range(20):
            name = "main" if room == 0 else f"flood-{room}"
            body = json.dumps({"room": name, "messages": [["mallory", text]] * 50}).encode()
            status, answer, _ = server.request("/cmd/setRoomMessages", body)
            assert status == 200, answer
        rss_before = rss_mb(server.process.pid)
        (status, body, headers), first = timed(lambda: server.request("/data/lastinfo", headers={"Accept-Encoding": "gzip"}))
        plain, _ = timed(lambda: server.request("/data/lastinfo"))
        print(f"lastinfo: 1,000 messages of 16 KB control characters; answer {len(plain[1]):,} B "
              f"({len(body):,} B gzip), first build {first:.2f} s")
        # A new message, then 20 page opens at once (the burst after each message).
        server.request("/cmd/setChannels", b'["one-more"]')
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            def open_page(_):
                return timed(lambda: server.request("/data/lastinfo", headers={"Accept-Encoding": "gzip"}))[1]
            (durations), total = timed(lambda: list(pool.map(open_page, range(20))))
        print(f"lastinfo: 20 simultaneous opens after a change: {total:.2f} s in all, each {min(durations):.2f}–"
              f"{max(durations):.2f} s; RSS {rss_before:.0f} → {rss_mb(server.process.pid):.0f} MB")
    finally:
        server.stop()


def search_bench(binary: Path, db: Path, workdir: Path) -> None:
    server = Server(binary, db, workdir)
    try:
        for q in ("a", "ab", "th", "quick+brown"):
            (status, _, _), duration = timed(lambda: server.request(f"/data/rooms/main/search?q={q}"))
            print(f"search q={q}: HTTP {status} in {duration:.2f} s")
        stop = time.monotonic() + 8
        statuses: dict[int, int] = {}

        def searcher(_):
            while time.monotonic() < stop:
                status, _, _ = server.request("/data/rooms/main/search?q=th")
                statuses[status] = statuses.get(status, 0) + 1

        with concurrent.futures.ThreadPoolExecutor(18) as pool:
            futures = [pool.submit(searcher, i) for i in range(16)]
            time.sleep(1)
            health = [timed(lambda: server.request("/healthz"))[1] for _ in range(5)]
            lastinfo = [timed(lambda: server.request("/data/lastinfo"))[1] for _ in range(5)]
            for future in futures:
                future.result()
        print(f"16 searchers for 8 s: answers {statuses}; meanwhile /healthz {min(health):.3f}–{max(health):.3f} s, "
              f"/data/lastinfo {min(lastinfo):.3f}–{max(lastinfo):.3f} s")
    finally:
        server.stop()


def auth_bench(binary: Path, workdir: Path) -> None:
    server = Server(binary, workdir / "auth.db", workdir, env={"CHATT_USER": "someone", "CHATT_PASS": "secret"})
    try:
        counts: dict[int, int] = {}
        start = time.monotonic()
        for attempt in range(1000):
            token = base64.b64encode(f"someone:guess{attempt}".encode()).decode()
            status, _, _ = server.request("/data/lastinfo", headers={"Authorization": f"Basic {token}"})
            counts[status] = counts.get(status, 0) + 1
        elapsed = time.monotonic() - start
        print(f"auth: 1,000 wrong passwords in {elapsed:.1f} s: {counts.get(401, 0)} checked (401), "
              f"{counts.get(429, 0)} refused unchecked (429)")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=str(ROOT / ".build" / "debug"))
    parser.add_argument("--search-db")
    parser.add_argument("--only", choices=["lastinfo", "search", "auth"])
    arguments = parser.parse_args()
    binary = Path(arguments.bin) / "chatt-server"
    workdir = Path(tempfile.mkdtemp(prefix="chatt-bench-hardening-"))
    try:
        if arguments.only in (None, "lastinfo"):
            lastinfo_bench(binary, workdir)
        if arguments.search_db and arguments.only in (None, "search"):
            search_bench(binary, Path(arguments.search_db), workdir)
        if arguments.only in (None, "auth"):
            auth_bench(binary, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
