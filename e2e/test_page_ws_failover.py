"""Issue 20, the page's half: chatt-server lists two WebSocket endpoints (two mosquittos,
A and B, each with a memorize writing the same SQLite file); the page joins on A, A
stops, the page moves to B within a few seconds, and its rooms come back from the
history without a gap: what was said on A before, on B while it moved and on B after
shows once each (ids dedupe the live copy and the history's).

The two brokers are not bridged: a message published on one reaches only the browsers
and the memorize on that one. The history (one database) is what joins them, which is
exactly what the page's catch-up after a reconnect reads."""
import shutil
import tempfile
import time
from pathlib import Path

import paho.mqtt.client as paho
import pytest

from harness import WAIT, Broker, Memorize, Stack, newtext, unique, wait_until

FAILOVER = 15  # seconds allowed for the move to B (it takes about 1-2 s: one retry of A, then B)


def publish_on(broker: Broker, topic: str, payload: str) -> None:
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"e2e-b-{unique('p')}")
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        info = client.publish(topic, payload, qos=1)
        info.wait_for_publish(timeout=WAIT)
        assert info.is_published(), "broker B did not acknowledge the publish"
    finally:
        client.loop_stop()
        client.disconnect()


@pytest.fixture
def two_brokers(request):
    workdir = Path(tempfile.mkdtemp(prefix="chatt-e2e-failover-"))
    (workdir / "b").mkdir()
    stack = Stack(workdir)
    broker_b = Broker(workdir / "b")
    memorize_b = Memorize(workdir / "b", broker_b, stack.db)
    stack.server.extra_args = ("--ws-endpoint", f"ws://127.0.0.1:{stack.broker.ws_port}/",
                               "--ws-endpoint", f"ws://127.0.0.1:{broker_b.ws_port}/")
    failed_before = request.session.testsfailed
    try:
        broker_b.start()
        stack.start()
        memorize_b.start()
        memorize_b.wait_subscribed()
        yield stack, broker_b
    finally:
        memorize_b.stop()
        broker_b.stop()
        stack.stop()
        if request.session.testsfailed > failed_before:
            print(f"\n{stack.logs()}\n--- memorize B:\n{memorize_b.output()}\n--- mosquitto B:\n{broker_b.output()}")
        shutil.rmtree(workdir, ignore_errors=True)


def test_the_page_fails_over_to_the_next_endpoint_and_resyncs_without_gaps(two_brokers, browsers):
    stack, broker_b = two_brokers
    nick = unique("ann")
    ann = browsers("ann").open(stack.server.url).join(nick)
    ann.wait(lambda d: ann.status() == "", "the first connection")

    # Joined on A (the first endpoint): a message published only on A shows live.
    stack.publish([("rooms/main/newtext", newtext("carol", "on A before", "a-before"))])
    ann.wait_text("main", "on A before")
    ann.send("typed on A")
    assert wait_until(lambda: stack.stored("main", "typed on A"), what="the page's message stored via A")

    started = time.monotonic()
    stack.broker.stop()
    # Said on B while the page is still away from it: only the history can bring it.
    publish_on(broker_b, "rooms/main/newtext", newtext("dave", "on B during the move", "b-during"))
    ann.send("typed during the move")
    ann.wait(lambda d: "on B during the move" in ann.texts("main") and ann.status() == "",
             "the move to B and the catch-up from the history", timeout=FAILOVER)
    moved = time.monotonic() - started
    print(f"\nfailover A -> B seen by the page: {moved:.2f} s")

    # Live on B now, and the page's own messages go through B.
    publish_on(broker_b, "rooms/main/newtext", newtext("dave", "on B after", "b-after"))
    ann.wait_text("main", "on B after")
    assert wait_until(lambda: stack.stored("main", "typed during the move"), what="the queued message stored via B")
    ann.send("typed on B")
    assert wait_until(lambda: stack.stored("main", "typed on B"), what="the page's message stored via B")
    ann.wait(lambda d: not any(m["pending"] for m in ann.messages("main")), "every sent message confirmed")

    # The history fetched again after the reconnect (and merged live copies) doubled nothing.
    expected = ["on A before", "typed on A", "on B during the move", "typed during the move", "on B after", "typed on B"]
    texts = ann.texts("main")
    for text in expected:
        assert texts.count(text) == 1, f"{text!r} shown {texts.count(text)} times: {texts}"
    ids = [m["id"] for m in ann.messages("main") if m["id"]]
    assert len(ids) == len(set(ids)), f"an id shows twice: {ids}"
    stored = [entry[1] for entry in stack.lastinfo()["messages"]["main"]]
    for text in expected:
        assert stored.count(text) == 1, f"{text!r} stored {stored.count(text)} times"
