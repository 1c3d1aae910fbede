"""Figures of the page in headless Chromium (run by bench/page.sh; not a test).

(a) latency: one page sends COUNT messages (one every SPACING ms, through the input
    form as a user would), another page records when each one's node enters its DOM
    (MutationObserver). Both read the same clock (performance.timeOrigin + now()).
    Next to it, in the same run and against the same broker: paho-mqtt publisher ->
    paho-mqtt subscriber, over TCP and over WebSocket (the raw MQTT path without the page).
(b) burst: COUNT_BURST messages published by a paho client as fast as it can into the
    room a page has open; when the last one is in the page's DOM (and when a paho
    subscriber has them all, in the same run), and the longest main-thread task of the
    page meanwhile (PerformanceObserver 'longtask': tasks over 50 ms).
(c) weight: bytes transferred to open the page and join a chat whose database holds
    FILL messages (chatt-bench-fill), from DevTools Network events (encodedDataLength:
    bytes on the wire, headers included) plus the WebSocket frames received until joined.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))
import paho.mqtt.client as paho  # noqa: E402

from browser import Browser  # noqa: E402
from harness import BIN, Stack, newtext, unique  # noqa: E402

SEND_LOOP = """
const [count, spacing, prefix, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
const input = document.getElementById('input_text');
const form = document.getElementById('input_form');
const sent = [];
let i = 0;
const next = () => {
  if (i === count) return done(sent);
  input.value = `${prefix} ${i}`;
  sent.push(performance.timeOrigin + performance.now());
  form.requestSubmit();
  i += 1;
  setTimeout(next, spacing);
};
next();
"""

WATCH = """
const prefix = arguments[0];
window.__seen = {};
new MutationObserver((records) => {
  const now = performance.timeOrigin + performance.now();
  for (const record of records) for (const node of record.addedNodes) {
    if (node.nodeType !== 1 || !node.matches('.msg')) continue;
    const text = node.querySelector('.text').textContent;
    if (text.startsWith(prefix + ' ') && !(text in window.__seen)) window.__seen[text] = now;
  }
}).observe(document.getElementById('all_texts'), { childList: true, subtree: true });
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def summary(name: str, values: list[float]) -> str:
    return (f"{name:<44} n={len(values):>5}  p50 {percentile(values, 50):6.2f} ms  p99 {percentile(values, 99):6.2f} ms"
            f"  max {max(values):6.2f} ms  mean {statistics.fmean(values):6.2f} ms")


def page_latency(stack: Stack, count: int, spacing: float) -> list[float]:
    sender = Browser("sender").open(stack.server.url).join(unique("sender"))
    receiver = Browser("receiver").open(stack.server.url).join(unique("receiver"))
    try:
        prefix = unique("bench")
        receiver.driver.execute_script(WATCH, prefix)
        sender.driver.set_script_timeout(count * spacing / 1000 + 120)
        sent = sender.driver.execute_async_script(SEND_LOOP, count, spacing, prefix)
        receiver.wait(lambda d: d.execute_script("return Object.keys(window.__seen).length") == count,
                      "every message", timeout=120)
        seen = receiver.driver.execute_script("return window.__seen")
        return [seen[f"{prefix} {i}"] - sent[i] for i in range(count)]
    finally:
        sender.quit()
        receiver.quit()


def paho_latency(stack: Stack, count: int, spacing: float, transport: str) -> list[float]:
    port = stack.broker.port if transport == "tcp" else stack.broker.ws_port
    topic = f"rooms/{unique('raw')}/newtext"
    arrived: dict[int, float] = {}
    all_in = threading.Event()
    subscribed = threading.Event()

    def client(name):
        c = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=unique(name), transport=transport)
        c.connect("127.0.0.1", port)
        c.loop_start()
        return c

    def on_message(_client, _userdata, message):
        arrived[json.loads(message.payload)["n"]] = time.perf_counter()
        if len(arrived) == count:
            all_in.set()

    subscriber = client("sub")
    subscriber.on_message = on_message
    subscriber.on_subscribe = lambda *_: subscribed.set()
    subscriber.subscribe(topic, qos=1)
    subscribed.wait(15)
    publisher = client("pub")
    sent = []
    for n in range(count):
        sent.append(time.perf_counter())
        publisher.publish(topic, json.dumps({"author": "raw", "text": f"raw {n}", "n": n}), qos=1)
        time.sleep(spacing / 1000)
    all_in.wait(60)
    for c in (publisher, subscriber):
        c.loop_stop()
        c.disconnect()
    return [(arrived[n] - sent[n]) * 1000 for n in range(count)]


BURST_WATCH = """
const [room, last] = arguments;
window.__burst = { longest: 0, tasks: 0, lastShown: null };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__burst.tasks += 1;
    window.__burst.longest = Math.max(window.__burst.longest, entry.duration);
  }
}).observe({ type: 'longtask' });
new MutationObserver((records, observer) => {
  for (const record of records) for (const node of record.addedNodes) {
    if (node.nodeType === 1 && node.matches('.msg') && node.querySelector('.text').textContent === last) {
      window.__burst.lastShown = performance.timeOrigin + performance.now();
      observer.disconnect();
    }
  }
}).observe(document.querySelector(`#all_texts .log[data-room="${room}"]`), { childList: true });
"""


def burst(stack: Stack, count: int) -> dict:
    room = unique("burst")
    stack.publish([(f"rooms/{room}/new", "")])
    reader = Browser("burst")
    try:
        reader.open(stack.server.url).join(unique("reader"))
        reader.wait(lambda d: room in reader.rooms(), "the room")
        reader.select_room(room)
        texts = [f"burst {i}" for i in range(count)]
        reader.driver.execute_script(BURST_WATCH, room, texts[-1])

        arrived = []
        all_in = threading.Event()
        subscribed = threading.Event()
        subscriber = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=unique("sub"))
        subscriber.on_message = lambda *_: (arrived.append(time.time()), len(arrived) == count and all_in.set())
        subscriber.on_subscribe = lambda *_: subscribed.set()
        subscriber.connect("127.0.0.1", stack.broker.port)
        subscriber.loop_start()
        subscriber.subscribe(f"rooms/{room}/newtext", qos=1)
        subscribed.wait(15)
        publisher = stack.mqtt_client()
        start = time.time()
        infos = [publisher.publish(f"rooms/{room}/newtext", newtext("flood", text, f"{room}-{i}"), qos=1)
                 for i, text in enumerate(texts)]
        for info in infos:
            info.wait_for_publish(timeout=60)
        published = time.time()
        all_in.wait(60)
        reader.wait(lambda d: d.execute_script("return window.__burst.lastShown") is not None, "the last message", 120)
        # Let the page settle, then read what the long-task observer saw.
        reader.driver.execute_async_script(
            "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)))")
        seen = reader.driver.execute_script("return window.__burst")
        for c in (publisher, subscriber):
            c.loop_stop()
            c.disconnect()
        return {"published_ms": (published - start) * 1000, "paho_ms": (arrived[-1] - start) * 1000,
                "page_ms": seen["lastShown"] - start * 1000, "longest_ms": seen["longest"], "long_tasks": seen["tasks"],
                "in_dom": reader.driver.execute_script(
                    f"return document.querySelectorAll('#all_texts .log[data-room=\"{room}\"] .msg').length")}
    finally:
        reader.quit()


def page_weight(fill: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="chatt-bench-page-"))
    stack = Stack(workdir)
    try:
        subprocess.run([str(BIN / "chatt-bench-fill"), "--db", str(stack.db), "--messages", str(fill)],
                       check=True, capture_output=True)
        stack.start()
        browser = Browser("weight", network_log=True)
        try:
            browser.driver.get_log("performance")  # drop the events of the blank start page
            browser.open(stack.server.url).join(unique("reader"))
            events = [json.loads(e["message"])["message"] for e in browser.driver.get_log("performance")]
            urls = {}
            by_request = {}
            websocket = 0
            for event in events:
                params = event.get("params", {})
                if event["method"] == "Network.responseReceived":
                    urls[params["requestId"]] = params["response"]["url"]
                elif event["method"] == "Network.loadingFinished":
                    by_request[params["requestId"]] = params["encodedDataLength"]
                elif event["method"] == "Network.webSocketFrameReceived":
                    websocket += len(params["response"]["payloadData"])
            files = {urls.get(r, r).replace(stack.server.url, "/"): n for r, n in by_request.items()}
            return {"files": files, "http": sum(files.values()), "websocket": websocket,
                    "messages": browser.driver.execute_script("return document.querySelectorAll('#all_texts .msg').length")}
        finally:
            browser.quit()
    finally:
        stack.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--spacing", type=float, default=20.0, help="ms between two sends")
    parser.add_argument("--burst", type=int, default=2000, help="messages in the burst of (b)")
    parser.add_argument("--fill", type=int, default=100_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="chatt-bench-page-"))
    stack = Stack(workdir).start()
    try:
        print(f"(a) publish -> render, {args.count} messages, one every {args.spacing:g} ms")
        latencies = page_latency(stack, args.count, args.spacing)
        print(summary("page -> page (Chromium, DOM insertion)", latencies))
        # The page's cost per message grows with the messages already shown: say how.
        tenth = max(1, len(latencies) // 10)
        print(summary("  the first tenth (short log)", latencies[:tenth]))
        print(summary("  the last tenth (long log)", latencies[-tenth:]))
        print(summary("reference: paho -> paho over TCP", paho_latency(stack, args.count, args.spacing, "tcp")))
        print(summary("reference: paho -> paho over WebSocket", paho_latency(stack, args.count, args.spacing, "websockets")))
        b = burst(stack, args.burst)
        print(f"\n(b) a burst of {args.burst:,} messages, published in {b['published_ms']:.0f} ms (QoS 1, one paho client)")
        print(f"    last one in the page's DOM after {b['page_ms']:7.0f} ms   (goal: under 1,000 ms; "
              f"{b['in_dom']} messages kept in the DOM)")
        print(f"    last one at a paho subscriber after {b['paho_ms']:7.0f} ms   (reference, same run)")
        print(f"    longest main-thread task {b['longest_ms']:.0f} ms, {b['long_tasks']} tasks over 50 ms"
              f"   (goal: under 100 ms; 0 = none over 50 ms)")
    finally:
        stack.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    weight = page_weight(args.fill)
    print(f"\n(c) opening the page and joining, {args.fill:,} messages stored "
          f"({weight['messages']} shown in the first room)")
    for name, size in sorted(weight["files"].items(), key=lambda item: -item[1]):
        print(f"    {size:>8,} B  {name}")
    print(f"    {weight['http']:>8,} B  HTTP in all (bytes on the wire, headers included)")
    print(f"    {weight['websocket']:>8,} B  MQTT over WebSocket received until joined")
    print(f"    {weight['http'] + weight['websocket']:>8,} B  total = {(weight['http'] + weight['websocket']) / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
