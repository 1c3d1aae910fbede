#!/usr/bin/env python3
"""The driver of bench/load.sh: N simulated members against a running ChaTT stack.

Each member does what the page does (web/static/js/main.js): a WebSocket MQTT 3.1.1
connection of its own (client id `chatt_…`, the passphrase's pair, a clean session, a
will on users/<nick>/logout, keepalive 45 s), subscribes to rooms/# and users/# at QoS 1,
publishes users/<nick>/hello at QoS 1 with an `ipAddress` of its own in 198.18.0.0/15
(the benchmarking range: every member comes from 127.0.0.1 here), then fetches
/data/lastinfo with HTTP Basic. Members join spread evenly over a join window; once all
have joined, they chat in ROOMS rooms at RATE messages a second in all (QoS 1, random
author, random room) for CHAT seconds, and every member acknowledges every message it
receives, as the page does.

One event loop per process (asyncio, its own minimal MQTT-over-WebSocket client: one
thread per member would not scale); --processes spreads the members over several.
Everything goes to 127.0.0.1 only, and every phase has a deadline: it stops by itself.

Measured: join time; delivery latency publish -> every receiver (the send time travels in
the message id, `ld<microseconds>-…`, so any process can read it); memorize lag
(publish -> row in the database, polled every 50 ms); /data/lastinfo latency during the
join; greetings (hello sent -> greeting seen, greetings a second); CPU and RSS of the
stack's processes and of the driver itself; errors and disconnects. Prints a report and,
with --json, appends one JSON line of figures to a file.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing as mp
import os
import random
import re
import socket
import sqlite3
import sys
import threading
import time
from array import array
from dataclasses import dataclass, field

HOST = "127.0.0.1"  # the only address this driver ever talks to
BIN_US = 100  # latency histogram bin: 0.1 ms
BINS = 600_000  # up to 60 s
KEEPALIVE = 45
ROOM_PREFIX = b"rooms/room-"


def histogram() -> array:
    return array("I", bytes(4 * BINS))


def hist_add(hist: array, seconds: float) -> None:
    b = int(seconds * 1e6) // BIN_US
    hist[b if 0 <= b < BINS else (BINS - 1 if b >= BINS else 0)] += 1


def hist_merge(into: array, other: array) -> None:
    for i, v in enumerate(other):
        if v:
            into[i] += v


def hist_percentiles(hist: array, ps=(50, 99, 100)) -> dict:
    total = sum(hist)
    out = {"count": total}
    if total == 0:
        return out
    targets = sorted((p, max(1, int(total * p / 100 + 0.999999))) for p in ps)
    seen, ti = 0, 0
    for i, v in enumerate(hist):
        if not v:
            continue
        seen += v
        while ti < len(targets) and seen >= targets[ti][1]:
            out[f"p{targets[ti][0]}"] = (i + 1) * BIN_US / 1000  # ms, upper edge of the bin
            ti += 1
        if ti == len(targets):
            break
    return out


def percentiles(values: list, ps=(50, 99, 100)) -> dict:
    out = {"count": len(values)}
    if not values:
        return out
    s = sorted(values)
    for p in ps:
        out[f"p{p}"] = s[min(len(s) - 1, max(0, int(len(s) * p / 100 + 0.999999) - 1))]
    return out


# MQTT 3.1.1 over WebSocket, the few packets a page uses.

def mqtt_str(s: bytes) -> bytes:
    return len(s).to_bytes(2, "big") + s


def remaining_length(n: int) -> bytes:
    out = bytearray()
    while True:
        d, n = n % 128, n // 128
        out.append(d | (0x80 if n else 0))
        if not n:
            return bytes(out)


def packet(first: int, body: bytes) -> bytes:
    return bytes([first]) + remaining_length(len(body)) + body


def ws_frame(payload: bytes) -> bytes:
    """A masked binary frame (clients must mask); the key is zero, so the bytes stay as they are."""
    n = len(payload)
    if n < 126:
        head = bytes([0x82, 0x80 | n])
    elif n < 65536:
        head = bytes([0x82, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x82, 0x80 | 127]) + n.to_bytes(8, "big")
    return head + b"\0\0\0\0" + payload


PINGREQ = ws_frame(b"\xc0\x00")
DISCONNECT = ws_frame(b"\xe0\x00")


@dataclass
class Shared:
    """What one process counts, for all its members."""
    chat_hist: array = field(default_factory=histogram)
    chat_counting: bool = False
    errors: dict = field(default_factory=dict)
    disconnects: int = 0
    hellos_seen: int = 0
    greetings: dict = field(default_factory=dict)  # nick -> time first seen (watcher only)
    last_chat_rx: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


class Member(asyncio.Protocol):
    """One simulated page."""

    def __init__(self, index: int, nick: str, shared: Shared, probe: bool, watcher: bool, ws: bool = True):
        self.index, self.nick, self.shared, self.ws = index, nick, shared, ws
        self.probe, self.watcher = probe, watcher
        self.transport = None
        self.handshaken = False
        self.buf = bytearray()
        self.mq = bytearray()
        self.connack = asyncio.get_running_loop().create_future()
        self.suback = asyncio.get_running_loop().create_future()
        self.hello_ack = asyncio.get_running_loop().create_future()
        self.handshake = asyncio.get_running_loop().create_future()
        for f in (self.connack, self.suback, self.hello_ack, self.handshake):
            # A join that already gave up does not await them: their errors are counted there.
            f.add_done_callback(lambda f: f.cancelled() or f.exception())
        self.chat_received = 0
        self.next_id = 1
        self.closing = False
        self.connected = False

    # asyncio.Protocol
    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        if not self.closing:
            self.shared.disconnects += 1
            self.shared.error("disconnected: " + (type(exc).__name__ if exc else "closed by the broker"))
        self.connected = False
        for f in (self.handshake, self.connack, self.suback, self.hello_ack):
            if not f.done():
                f.set_exception(ConnectionError("connection lost"))

    def data_received(self, data: bytes):
        if not self.ws:  # MQTT over plain TCP (--transport tcp, for comparison)
            self.mq += data
            self.mqtt(time.time())
            return
        if not self.handshaken:
            self.buf += data
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buf[:end])
            del self.buf[: end + 4]
            self.handshaken = True
            if not head.startswith(b"HTTP/1.1 101"):
                self.handshake.set_exception(ConnectionError(head.split(b"\r\n", 1)[0].decode(errors="replace")))
                return
            self.handshake.set_result(None)
            if not self.buf:
                return
            data = b""
        now = time.time()
        buf = self.buf
        buf += data
        mq = self.mq
        pos, n = 0, len(buf)
        while n - pos >= 2:
            b1 = buf[pos + 1]
            ln = b1 & 0x7F
            hl = 2
            if ln == 126:
                if n - pos < 4:
                    break
                ln = (buf[pos + 2] << 8) | buf[pos + 3]
                hl = 4
            elif ln == 127:
                if n - pos < 10:
                    break
                ln = int.from_bytes(buf[pos + 2: pos + 10], "big")
                hl = 10
            if b1 & 0x80:  # a masked frame from the server would be a protocol error
                self.shared.error("masked frame from the broker")
            if n - pos < hl + ln:
                break
            opcode = buf[pos] & 0x0F
            if opcode in (0, 1, 2):
                mq += buf[pos + hl: pos + hl + ln]
            elif opcode == 8:
                self.shared.error("websocket close from the broker")
            elif opcode == 9:
                self.transport.write(bytes([0x8A, 0x80 | ln]) + b"\0\0\0\0" + bytes(buf[pos + hl: pos + hl + ln]))
            pos += hl + ln
        if pos:
            del buf[:pos]
        if mq:
            self.mqtt(now)

    def mqtt(self, now: float):
        mq = self.mq
        pos, n = 0, len(mq)
        acks = []
        shared = self.shared
        while n - pos >= 2:
            first = mq[pos]
            # remaining length
            mult, length, i = 1, 0, pos + 1
            while True:
                if i >= n:
                    length = -1
                    break
                d = mq[i]
                length += (d & 0x7F) * mult
                i += 1
                if not d & 0x80:
                    break
                mult *= 128
            if length < 0 or n - i < length:
                break
            body_start, body_end = i, i + length
            kind = first >> 4
            if kind == 3:  # PUBLISH
                tl = (mq[body_start] << 8) | mq[body_start + 1]
                t0 = body_start + 2
                p = te = t0 + tl
                if first & 0x06:
                    acks.append(b"\x40\x02" + mq[p: p + 2])
                    p += 2
                if mq.startswith(ROOM_PREFIX, t0):
                    self.chat_received += 1
                    shared.last_chat_rx = now
                    if self.probe and shared.chat_counting and mq[p + 2: p + 9] == b'id":"ld':
                        # payload starts {"id":"ld<16 digits of microseconds>-
                        try:
                            sent = int(mq[p + 9: p + 25]) / 1e6
                            hist_add(shared.chat_hist, now - sent)
                        except ValueError:
                            shared.error("unreadable chat id")
                elif mq.startswith(b"users/", t0):
                    if mq.endswith(b"/hello", t0, te):
                        shared.hellos_seen += 1
                elif self.watcher and mq.startswith(b"rooms/main/newtext", t0):
                    try:
                        msg = json.loads(bytes(mq[p:body_end]))
                        if msg.get("author") == "bot":
                            m = re.match(r"@(.+?): Welcome ", msg.get("text", ""))
                            if m and m.group(1) not in shared.greetings:
                                shared.greetings[m.group(1)] = now
                    except ValueError:
                        shared.error("unreadable greeting")
            elif kind == 2:  # CONNACK
                code = mq[body_start + 1] if length >= 2 else 255
                if not self.connack.done():
                    if code == 0:
                        self.connack.set_result(None)
                    else:
                        self.connack.set_exception(ConnectionError(f"CONNACK refused, code {code}"))
            elif kind == 9:  # SUBACK
                if not self.suback.done():
                    granted = bytes(mq[body_start + 2: body_end])
                    if b"\x80" in granted:
                        self.suback.set_exception(ConnectionError("SUBACK refused a subscription"))
                    else:
                        self.suback.set_result(None)
            elif kind == 4:  # PUBACK
                if self.hello_id is not None and not self.hello_ack.done():
                    pid = (mq[body_start] << 8) | mq[body_start + 1]
                    if pid == self.hello_id:
                        self.hello_ack.set_result(None)
            pos = body_end
        if pos:
            del mq[:pos]
        if acks:
            self.send(b"".join(acks))

    hello_id = None

    def send(self, mqtt_bytes: bytes):
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(ws_frame(mqtt_bytes) if self.ws else mqtt_bytes)

    def publish(self, topic: str, payload: bytes) -> int:
        pid = self.next_id
        self.next_id = pid + 1 if pid < 65535 else 1
        self.send(packet(0x32, mqtt_str(topic.encode()) + pid.to_bytes(2, "big") + payload))
        return pid


def connect_packet(client_id: str, user: str | None, password: str | None, nick: str) -> bytes:
    flags = 0x02 | 0x04 | (1 << 3)  # clean session, will at QoS 1
    body = mqtt_str(b"MQTT") + bytes([4])
    payload = mqtt_str(client_id.encode()) + mqtt_str(f"users/{nick}/logout".encode()) + mqtt_str(b"{}")
    if user is not None:
        flags |= 0x80
        payload += mqtt_str(user.encode())
    if password is not None:
        flags |= 0x40
        payload += mqtt_str(password.encode())
    body += bytes([flags]) + KEEPALIVE.to_bytes(2, "big") + payload
    return packet(0x10, body)


def subscribe_packet(qos: int) -> bytes:
    q = bytes([qos])
    return packet(0x82, (1).to_bytes(2, "big") + mqtt_str(b"rooms/#") + q + mqtt_str(b"users/#") + q)


async def fetch_lastinfo(port: int, auth: str | None) -> tuple[int, int]:
    """GET /data/lastinfo as the page does; returns (status, body bytes)."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        req = f"GET /data/lastinfo HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: application/json\r\nAccept-Encoding: gzip\r\nConnection: close\r\n"
        if auth:
            req += f"Authorization: Basic {auth}\r\n"
        writer.write((req + "\r\n").encode())
        data = await reader.read()
        status = int(data[9:12]) if data.startswith(b"HTTP/1.1 ") else 0
        return status, len(data)
    finally:
        writer.close()


def address_of(i: int) -> str:
    return f"198.{18 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}"


async def run_worker(cfg: dict, wid: int, gates: dict, results: mp.Queue) -> None:
    loop = asyncio.get_running_loop()
    shared = Shared()
    procs, n = cfg["processes"], cfg["members"]
    indices = list(range(wid, n, procs))
    members: dict[int, Member] = {}
    joins = {}  # index -> (start, ready) wall times
    hello_sent = {}
    lastinfo_lat, lastinfo_bytes = [], 0
    auth = base64.b64encode(f"{cfg['user']}:{cfg['password']}".encode()).decode() if cfg["user"] else None
    t0 = cfg["t0"]

    async def join(i: int):
        nonlocal lastinfo_bytes
        nick = f"{cfg['prefix']}{i}"
        delay = t0 + (i / n) * cfg["join_window"] - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        start = time.time()
        probe = (i % cfg["probe_every"]) == 0
        ws = cfg["transport"] == "websocket"
        m = Member(i, nick, shared, probe, watcher=(i == 0), ws=ws)
        try:
            await asyncio.wait_for(loop.create_connection(lambda: m, HOST, cfg["ws_port"] if ws else cfg["mqtt_port"]), 30)
            m.transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if not ws:
                m.handshake.set_result(None)
            else:
                m.transport.write(
                    f"GET /mqtt HTTP/1.1\r\nHost: {HOST}:{cfg['ws_port']}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\nSec-WebSocket-Version: 13\r\n"
                    f"Sec-WebSocket-Protocol: mqtt\r\nOrigin: http://{HOST}\r\n\r\n".encode())
            await asyncio.wait_for(m.handshake, 30)
            client_id = f"chatt_{cfg['prefix']}{i}"[:23]
            m.send(connect_packet(client_id, cfg["user"], cfg["password"], nick))
            await asyncio.wait_for(m.connack, 30)
            m.connected = True
            members[i] = m
            m.send(subscribe_packet(cfg["sub_qos"]))
            m.next_id = 2
            await asyncio.wait_for(m.suback, 30)
            m.hello_id = m.next_id
            hello_sent[nick] = time.time()
            m.publish(f"users/{nick}/hello", json.dumps({"ipAddress": address_of(i)}).encode())
            h0 = time.time()
            status, size = await asyncio.wait_for(fetch_lastinfo(cfg["http_port"], auth), 60)
            lastinfo_lat.append((time.time() - h0) * 1000)
            lastinfo_bytes += size
            if status != 200:
                shared.error(f"/data/lastinfo answered {status}")
            await asyncio.wait_for(m.hello_ack, 30)
            joins[i] = (start, time.time())
        except (OSError, asyncio.TimeoutError, ConnectionError) as error:
            shared.error(f"join: {type(error).__name__}: {error}"[:120])

    async def keepalive():
        while True:
            await asyncio.sleep(30)
            for m in list(members.values()):
                m.send(b"\xc0\x00")

    pinger = asyncio.create_task(keepalive())
    # The watcher (member 0) joins first and alone, so it sees every greeting.
    if wid == 0:
        await join(0)
        indices = indices[1:]
    await asyncio.gather(*(join(i) for i in indices))
    results.put(("joined", wid, len(joins)))

    # Wait for the lead to start the chat (it waits for every process).
    while not gates["chat"].is_set():
        await asyncio.sleep(0.05)
    chat_start = gates["chat_start"].value
    chat_end = chat_start + cfg["chat_seconds"]
    await asyncio.sleep(max(0, chat_start - time.time()))
    shared.chat_counting = True
    for m in members.values():
        m.chat_received = 0
    rate = cfg["rate"] / procs
    rng = random.Random(wid)
    live = list(members.values())
    sent, k = 0, 0
    rooms = [f"room-{r:02d}" for r in range(1, cfg["rooms"] + 1)]
    filler = "x" * max(0, cfg["text_bytes"] - 40)
    while live:
        due = chat_start + k / rate + (wid / procs) / rate
        if due >= chat_end:
            break
        delay = due - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        m = rng.choice(live)
        now_us = int(time.time() * 1e6)
        mid = f"ld{now_us}-{wid}-{k}"
        payload = ('{"id":"%s","author":"%s","text":"message %d from %s %s","ts":%d}'
                   % (mid, m.nick, k, m.nick, filler, now_us // 1000)).encode()
        m.publish(f"rooms/{rng.choice(rooms)}/newtext", payload)
        sent += 1
        k += 1
    results.put(("sent", wid, sent))
    # Let the last messages arrive: until all members hold the expected count, or no chat
    # message came for 3 s, or the drain deadline.
    while not gates["total"].value:
        await asyncio.sleep(0.05)
    total = gates["total"].value
    drain_end = time.time() + cfg["drain_seconds"]
    while time.time() < drain_end:
        if all(m.chat_received >= total for m in members.values() if m.connected):
            break
        if time.time() - shared.last_chat_rx > 3:
            break
        await asyncio.sleep(0.1)
    shared.chat_counting = False
    counts = {}
    for m in members.values():
        counts[m.chat_received] = counts.get(m.chat_received, 0) + 1
    pinger.cancel()
    for m in members.values():
        m.closing = True
        m.send(b"\xe0\x00")
        m.transport.close()
    await asyncio.sleep(0.2)
    results.put(("done", wid, {
        "joins": joins, "hello_sent": hello_sent, "lastinfo_ms": lastinfo_lat, "lastinfo_bytes": lastinfo_bytes,
        "chat_hist": shared.chat_hist.tobytes(), "counts": counts, "errors": shared.errors,
        "disconnects": shared.disconnects, "greetings": shared.greetings, "hellos_seen": shared.hellos_seen,
        "connected_at_end": sum(1 for m in members.values() if m.connected or m.closing),
    }))


def worker_main(cfg, wid, gates, results):
    try:
        import uvloop  # optional: a faster event loop when installed
        uvloop.install()
    except ImportError:
        pass
    asyncio.run(run_worker(cfg, wid, gates, results))


# Watching the stack: CPU and RSS from /proc, memorize lag from the database.

def proc_sample(pid: int):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        waited = 0  # ns its threads were runnable but waited for a CPU (other work on the machine)
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                    waited += int(f.read().split()[1])
            except (OSError, IndexError, ValueError):
                pass
        return ticks / os.sysconf("SC_CLK_TCK"), rss / 1024, waited / 1e9
    except (OSError, StopIteration, IndexError, ValueError):
        return None


def machine_sample():
    """(busy CPU seconds of the whole machine, 1-minute load average)."""
    with open("/proc/stat") as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    with open("/proc/loadavg") as f:
        load = float(f.read().split()[0])
    idle = cpu[3] + cpu[4]
    return (sum(cpu) - idle) / os.sysconf("SC_CLK_TCK"), load


class ProcWatch(threading.Thread):
    def __init__(self, pids: dict):
        super().__init__(daemon=True)
        self.pids = pids  # name -> pid
        self.samples = []  # (time, {name: (cpu_s, rss_mb)})
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            sample = {k: proc_sample(p) for k, p in self.pids.items()}
            sample["machine"] = machine_sample()
            self.samples.append((time.time(), sample))
            self.stop.wait(1.0)

    def window(self, start: float, end: float) -> dict:
        inside = [s for s in self.samples if start <= s[0] <= end]
        out = {}
        if len(inside) < 2:
            return out
        (ta, a), (tb, b) = inside[0], inside[-1]
        for name in self.pids:
            if a.get(name) and b.get(name):
                peak = max(s[1][name][1] for s in inside if s[1].get(name))
                out[name] = {"cpu_pct": round(100 * (b[name][0] - a[name][0]) / (tb - ta), 1), "rss_mb_peak": round(peak, 1),
                             "cpu_wait_pct": max(0.0, round(100 * (b[name][2] - a[name][2]) / (tb - ta), 1))}
        out["machine"] = {"cpu_pct": round(100 * (b["machine"][0] - a["machine"][0]) / (tb - ta), 1),
                          "cores": os.cpu_count(), "load_avg": max(s[1]["machine"][1] for s in inside)}
        return out


class StoreWatch(threading.Thread):
    """Polls the database every 50 ms for rows whose id this run made; their lag is the
    time the poll first saw them minus their send time (so up to 50 ms late)."""

    def __init__(self, db: str):
        super().__init__(daemon=True)
        self.db, self.stop = db, threading.Event()
        self.lags, self.ids, self.rows, self.error = [], set(), 0, None
        self.duplicate_ids = 0

    def run(self):
        try:
            con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
            last = con.execute("SELECT coalesce(max(id), 0) FROM message").fetchone()[0]
            while not self.stop.is_set():
                rows = con.execute("SELECT id, messageID FROM message WHERE id > ? ORDER BY id", (last,)).fetchall()
                now = time.time()
                for rowid, mid in rows:
                    last = rowid
                    if mid and mid.startswith("ld"):
                        self.rows += 1
                        if mid in self.ids:
                            self.duplicate_ids += 1
                        self.ids.add(mid)
                        try:
                            self.lags.append((now - int(mid[2:18]) / 1e6) * 1000)
                        except ValueError:
                            pass
                self.stop.wait(0.05)
        except sqlite3.Error as error:
            self.error = str(error)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ws-port", type=int, required=True)
    ap.add_argument("--http-port", type=int, required=True)
    ap.add_argument("--mqtt-port", type=int, help="the broker's plain MQTT port (for --transport tcp)")
    ap.add_argument("--transport", choices=["websocket", "tcp"], default="websocket",
                    help="websocket, as the page; tcp to compare the broker's two listeners")
    ap.add_argument("--user"), ap.add_argument("--password")
    ap.add_argument("--db", required=True, help="the SQLite database memorize writes (read-only here)")
    ap.add_argument("--members", type=int, default=100)
    ap.add_argument("--join-window", type=float, default=10, help="seconds over which the members join")
    ap.add_argument("--rate", type=float, default=50, help="chat messages a second, all rooms together")
    ap.add_argument("--rooms", type=int, default=20)
    ap.add_argument("--sub-qos", type=int, choices=[0, 1], default=1,
                    help="QoS of the rooms/# and users/# subscriptions: 1 as the page; 0 to compare the broker's cost")
    ap.add_argument("--chat-seconds", type=float, default=30)
    ap.add_argument("--drain-seconds", type=float, default=20)
    ap.add_argument("--text-bytes", type=int, default=80, help="about how long a chat message's text is")
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--probe-every", type=int, default=1, help="every Kth member measures latency (all count)")
    ap.add_argument("--pids", default="", help="name=pid,… of the stack's processes to watch")
    ap.add_argument("--json", help="append the figures as one JSON line to this file")
    ap.add_argument("--label", default="")
    args = ap.parse_args()

    prefix = "L" + os.urandom(3).hex() + "-"
    cfg = {
        "ws_port": args.ws_port, "http_port": args.http_port, "mqtt_port": args.mqtt_port, "transport": args.transport, "sub_qos": args.sub_qos, "user": args.user, "password": args.password,
        "members": args.members, "join_window": args.join_window, "rate": args.rate, "rooms": args.rooms,
        "chat_seconds": args.chat_seconds, "drain_seconds": args.drain_seconds, "text_bytes": args.text_bytes,
        "processes": args.processes, "probe_every": args.probe_every, "prefix": prefix,
        "t0": time.time() + 1.0,
    }
    pids = dict(p.split("=", 1) for p in args.pids.split(",") if p)
    pids = {k: int(v) for k, v in pids.items()}
    ctx = mp.get_context("fork")
    gates = {"chat": ctx.Event(), "chat_start": ctx.Value("d", 0.0), "total": ctx.Value("q", 0)}
    results = ctx.Queue()
    workers = [ctx.Process(target=worker_main, args=(cfg, w, gates, results), daemon=True) for w in range(args.processes)]
    for w in workers:
        w.start()
    for i, w in enumerate(workers):
        pids[f"driver-{i}" if args.processes > 1 else "driver"] = w.pid
    watch = ProcWatch(pids)
    watch.start()
    store = StoreWatch(args.db)
    store.start()

    deadline = cfg["t0"] + args.join_window + 120
    joined = {}
    while len(joined) < args.processes:
        try:
            kind, wid, value = results.get(timeout=max(0.1, deadline - time.time()))
        except Exception:
            print("load: the join did not finish in time", file=sys.stderr)
            break
        joined[wid] = value
    join_end = time.time()
    chat_start = time.time() + 1.0
    gates["chat_start"].value = chat_start
    gates["chat"].set()
    sent = {}
    deadline = chat_start + args.chat_seconds + 60
    while len(sent) < args.processes and time.time() < deadline:
        try:
            kind, wid, value = results.get(timeout=1)
        except Exception:
            continue
        if kind == "sent":
            sent[wid] = value
    total_sent = sum(sent.values())
    gates["total"].value = max(1, total_sent)
    done = {}
    deadline = time.time() + args.drain_seconds + 60
    while len(done) < args.processes and time.time() < deadline:
        try:
            kind, wid, value = results.get(timeout=1)
        except Exception:
            continue
        if kind == "done":
            done[wid] = value
    chat_end = chat_start + args.chat_seconds
    # memorize: wait until every message sent is in the database (or 20 s more).
    wait_end = time.time() + 20
    while len(store.ids) < total_sent and time.time() < wait_end:
        time.sleep(0.1)
    store.stop.set()
    watch.stop.set()
    store.join(2)
    watch.join(2)
    for w in workers:
        w.join(5)
        if w.is_alive():
            w.terminate()

    # Figures.
    joins, hello_sent, greetings, lastinfo, errors, counts = {}, {}, {}, [], {}, {}
    chat_hist = histogram()
    disconnects, connected_at_end, lastinfo_bytes = 0, 0, 0
    for r in done.values():
        joins.update(r["joins"])
        hello_sent.update(r["hello_sent"])
        greetings.update(r["greetings"])
        lastinfo += r["lastinfo_ms"]
        lastinfo_bytes += r["lastinfo_bytes"]
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
        for k, v in r["counts"].items():
            counts[k] = counts.get(k, 0) + v
        h = array("I")
        h.frombytes(r["chat_hist"])
        hist_merge(chat_hist, h)
        disconnects += r["disconnects"]
        connected_at_end += r["connected_at_end"]
    first_join = min((s for s, _ in joins.values()), default=cfg["t0"])
    last_ready = max((e for _, e in joins.values()), default=first_join)
    join_durations = [(e - s) * 1000 for s, e in joins.values()]
    greet_lat = [greetings[n] - hello_sent[n] for n in greetings if n in hello_sent]
    greet_times = sorted(greetings[n] for n in greetings if n in hello_sent)
    greet_rate_peak = 0
    if greet_times:
        j = 0
        for i, t in enumerate(greet_times):
            while greet_times[j] < t - 1.0:
                j += 1
            greet_rate_peak = max(greet_rate_peak, i - j + 1)
    greet_span = (greet_times[-1] - greet_times[0]) if len(greet_times) > 1 else 0
    # Every member connected when the chat began counts, joined in time or not.
    receivers = sum(counts.values())
    not_full = sum(v for k, v in counts.items() if k < total_sent)
    missing = sum((total_sent - k) * v for k, v in counts.items() if k < total_sent)
    extra = sum((k - total_sent) * v for k, v in counts.items() if k > total_sent)
    report = {
        "label": args.label, "transport": args.transport, "sub_qos": args.sub_qos, "members": args.members, "processes": args.processes,
        "join_window_s": args.join_window, "rate": args.rate, "rooms": args.rooms, "chat_s": args.chat_seconds,
        "joined": len(joins),
        "join_all_s": round(last_ready - first_join, 2),
        "join_each_ms": percentiles(join_durations),
        "lastinfo_ms": percentiles(lastinfo), "lastinfo_kib_each": round(lastinfo_bytes / max(1, len(lastinfo)) / 1024, 1),
        "greeted": len(greet_lat), "greeting_s": percentiles(greet_lat),
        "greetings_per_s": round(len(greet_times) / greet_span, 1) if greet_span else None,
        "greetings_peak_per_s": greet_rate_peak,
        "sent": total_sent, "delivery_ms": hist_percentiles(chat_hist),
        "deliveries_expected": total_sent * receivers, "receivers": receivers,
        "deliveries_missing": missing, "deliveries_extra": extra, "members_missing_some": not_full,
        "stored": len(store.ids), "stored_duplicates": store.duplicate_ids, "store_error": store.error,
        "memorize_lag_ms": percentiles(store.lags),
        "errors": errors, "disconnects": disconnects,
        "resources_join": watch.window(first_join, join_end),
        "resources_chat": watch.window(chat_start, chat_end),
    }
    print_report(report)
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps(report) + "\n")
    return 0


def fmt(p: dict, unit="ms") -> str:
    if not p.get("count"):
        return "none"
    f = (lambda v: f"{v:.1f}") if unit == "ms" else (lambda v: f"{v:.2f}")
    return f"p50 {f(p['p50'])} / p99 {f(p['p99'])} / max {f(p['p100'])} {unit} (n={p['count']})"


def print_report(r: dict) -> None:
    out = [
        f"== {r['members']} members over {r['transport']}, subscribed at QoS {r['sub_qos']} ({r['label']}): joins over {r['join_window_s']} s, {r['rate']} msg/s in {r['rooms']} rooms for {r['chat_s']} s, {r['processes']} driver process(es)",
        f"joined {r['joined']}/{r['members']}; all joined in {r['join_all_s']} s; each join {fmt(r['join_each_ms'])}",
        f"/data/lastinfo during the join: {fmt(r['lastinfo_ms'])}, {r['lastinfo_kib_each']} KiB each",
        f"greetings: {r['greeted']}/{r['members']} greeted; hello -> greeting {fmt(r['greeting_s'], 's')}; "
        f"{r['greetings_per_s']} /s on average, peak {r['greetings_peak_per_s']} in one second",
        f"chat: {r['sent']} sent; delivery publish -> every receiver {fmt(r['delivery_ms'])}",
        f"      deliveries missing {r['deliveries_missing']} of {r['deliveries_expected']} to {r['receivers']} connected members "
        f"({r['members_missing_some']} members short when the drain ended), extra {r['deliveries_extra']}",
        f"memorize: {r['stored']}/{r['sent']} stored, {r['stored_duplicates']} twice; lag publish -> stored {fmt(r['memorize_lag_ms'])}"
        + (f"; database error {r['store_error']}" if r["store_error"] else ""),
        f"errors: {r['errors'] or 'none'}; disconnects: {r['disconnects']}",
    ]
    for phase in ("join", "chat"):
        res = r[f"resources_{phase}"]
        out.append(f"{phase:5s} CPU % / waiting for a CPU % / peak RSS MB: " + ", ".join(
            f"{k} {v['cpu_pct']} / {v['cpu_wait_pct']} / {v['rss_mb_peak']}" for k, v in res.items() if k != "machine"))
        if "machine" in res:
            out.append(f"      the machine: {res['machine']['cpu_pct']} % busy of {100 * res['machine']['cores']} %, "
                       f"load average up to {res['machine']['load_avg']}")
    print("\n".join(out), flush=True)


if __name__ == "__main__":
    sys.exit(main())
