"""Issue 20, "nothing lost" on a three-node RabbitMQ cluster (3.10, rabbitmq_mqtt and
rabbitmq_web_mqtt; durable MQTT sessions are quorum queues on the three nodes).

Two chatt-memorize instances (their own client ids, every node in --broker, one
PostgreSQL database) and two chatt-servers; publishers on several nodes flood 10,000
messages at QoS 1; node 2 is killed with `kill -9` in the middle and restarted. Then:
every message the broker acknowledged (PUBACK) is stored exactly once, both servers
answer the same history, and a page whose first WebSocket endpoint was node 2 moved to
another node and shows every message of its room once.

RabbitMQ 3.10 has no `$share` shared subscriptions, so the two instances do not split
the load: each has a session of its own and receives every message; the database keeps
one row per message id (the second insert is skipped), and the leader lock in PostgreSQL
makes greetings happen once (docs/scaling.md).

A publisher whose node dies sends what was not acknowledged again through the next node
(what an MQTT client does); a message acknowledged and then lost would show here as
missing from the database.
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import paho.mqtt.client as paho
import pytest

import postgres
import rabbitmq
from flood import Publisher
from harness import BIN, WEB_ROOT, Part, clean_environment, genpass, newtext, unique, wait_until
from test_page_identity import join_with_secret, verdicts

pytestmark = pytest.mark.skipif(not (rabbitmq.installed() and postgres.installed()),
                                reason="needs rabbitmq-server and postgresql (test.sh installs both)")

PASSPHRASE = "rabbit cluster passphrase"
MESSAGES = 10_000
PUBLISHERS = 4
KILLED = 1  # index of the node killed: nodes[1], "chatt2"
KILL_AT = 2_500  # stored rows when the node is killed
ROOM_EVERY = 250  # every 250th message goes to the page's room (40 of them: within one history page)
STORE_TIMEOUT = 600.0


def flood_message(i: int) -> tuple[str, str, str]:
    """Message i: (its id, topic, payload)."""
    message_id = f"flood-{i:05d}"
    room = "main" if i % ROOM_EVERY == 0 else f"flood{i % 4}"
    return message_id, f"rooms/{room}/newtext", newtext(f"pub{i % PUBLISHERS}", f"flood {i}", message_id)


class Daemon(Part):
    def __init__(self, name: str, workdir: Path, argv: list[str], credentials, port: int | None = None):
        super().__init__(name, workdir)
        self.argv = argv
        self.credentials = credentials
        self.port = port

    def start(self) -> None:
        self.spawn(self.argv, env=clean_environment(CHATT_USER=self.credentials[0], CHATT_PASS=self.credentials[1],
                                                    HOST="127.0.0.1"))
        if self.port:
            self.wait_port(self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture(scope="module")
def cluster_chat(request):
    """Three RabbitMQ nodes, PostgreSQL, two memorize and two servers, shared by the
    module's tests (the first kills a node and restarts it)."""
    workdir = Path(tempfile.mkdtemp(prefix="chatt-e2e-rabbit-"))
    credentials = genpass(PASSPHRASE)
    cluster = rabbitmq.RabbitCluster(workdir / "rabbit", credentials)
    pg = postgres.Postgres(workdir)
    parts: list[Part] = []
    failed_before = request.session.testsfailed
    try:
        pg.start()
        db = pg.create("chatt")
        cluster.start()
        # Memorize A starts on the node the test kills (it must fail over); B on the first.
        for name, order in {"a": [KILLED, 2, 0], "b": [0, 1, 2]}.items():
            brokers = ",".join(cluster.nodes[i].url() for i in order)
            parts.append(Daemon(f"memorize-{name}", workdir,
                                [str(BIN / "chatt-memorize"), "--subscribe", "--broker", brokers,
                                 "--db", db, "--client-id", f"e2e-memorize-{name}-{uuid.uuid4().hex[:8]}",
                                 "--no-reverse-dns"], credentials))
        # Server A's page starts on the node the test kills; server B's on the first one.
        endpoint_orders = {"a": [KILLED, 0, 2], "b": [0, 1, 2]}
        for name, order in endpoint_orders.items():
            port = rabbitmq._free_port()
            endpoints = [arg for i in order for arg in ("--ws-endpoint", cluster.nodes[i].ws_url)]
            parts.append(Daemon(f"server-{name}", workdir,
                                [str(BIN / "chatt-server"), "--db", db, "--bind", "127.0.0.1", "--port", str(port),
                                 "--web-root", str(WEB_ROOT), *endpoints], credentials, port))
        for part in parts:
            part.start()
        for memorize in parts[:2]:
            memorize.wait_for(lambda m=memorize: "[ChatMemorize] subscribed" in m.output(tail=1_000_000),
                              "did not subscribe")
        yield cluster, pg, parts
    finally:
        for part in reversed(parts):
            part.stop()
        cluster.stop()
        pg.stop()
        if request.session.testsfailed > failed_before:
            print("\n" + "\n".join(f"--- {p.name}:\n{p.output()}" for p in parts))
            print(cluster.logs())
        shutil.rmtree(workdir, ignore_errors=True)


def stored_count(pg: postgres.Postgres) -> int:
    return int(pg.query("chatt", "SELECT count(*) FROM message WHERE message_id LIKE 'flood-%'") or 0)


def test_nothing_acknowledged_is_lost_when_a_node_is_killed_mid_flood(cluster_chat, browsers):
    cluster, pg, parts = cluster_chat
    credentials = cluster.credentials
    server_a, server_b = parts[2], parts[3]

    nick = unique("ann")
    ann = browsers("ann").open(server_a.url).join(nick, PASSPHRASE)
    ann.wait(lambda d: ann.status() == "", "the first connection (to the node killed later)")

    messages = [flood_message(i) for i in range(1, MESSAGES + 1)]
    ports = [node.mqtt_port for node in cluster.nodes]
    publishers = [Publisher(p, ports, credentials, messages[p::PUBLISHERS], STORE_TIMEOUT) for p in range(PUBLISHERS)]
    started = time.monotonic()
    for publisher in publishers:
        publisher.start()

    wait_until(lambda: stored_count(pg) >= KILL_AT, timeout=STORE_TIMEOUT, what=f"{KILL_AT} messages stored")
    killed_at = stored_count(pg)
    killed = cluster.nodes[KILLED]
    killed.kill()
    kill_time = time.monotonic()

    # Memorize A (on the killed node) moves to another and resumes its session; the page
    # moves too and is live there: a message said now, on node 1, shows.
    memorize_a = parts[0]
    connects = memorize_a.output(tail=None).count("connected to the MQTT broker")
    marker = Publisher(PUBLISHERS, [cluster.nodes[0].mqtt_port], credentials,
                       [("after-kill", "rooms/main/newtext", newtext("carol", "said after the kill", "after-kill"))])
    marker.start()
    moved: dict[str, float] = {}

    def both_moved() -> bool:
        if "memorize" not in moved and memorize_a.output(tail=None).count("connected to the MQTT broker") > connects:
            moved["memorize"] = time.monotonic() - kill_time
        if "page" not in moved and "said after the kill" in ann.texts("main"):
            moved["page"] = time.monotonic() - kill_time
        return len(moved) == 2
    wait_until(both_moved, timeout=60, what=f"memorize A and the page on another node (so far: {moved})")
    marker.join()
    assert not marker.error, marker.error
    assert "session.present=true" in memorize_a.output(tail=None).rsplit("connected to the MQTT broker", 1)[0].rsplit("\n", 1)[-1]

    wait_until(lambda: all(not p.is_alive() for p in publishers), timeout=STORE_TIMEOUT, what="the publishers")
    flood_done = time.monotonic()
    killed.start()
    killed.wait_listening()
    cluster.wait_clustered()

    errors = [f"{p.name}: {p.error}" for p in publishers if p.error]
    assert not errors, errors
    acked = set().union(*(p.acked for p in publishers))
    assert len(acked) == MESSAGES

    wait_until(lambda: stored_count(pg) >= MESSAGES, timeout=STORE_TIMEOUT, what=f"{MESSAGES} messages stored")
    all_stored = time.monotonic()
    rows = pg.query("chatt", "SELECT message_id, count(*) FROM message WHERE message_id LIKE 'flood-%' "
                             "GROUP BY message_id")
    counts = {line.split("|")[0]: int(line.split("|")[1]) for line in rows.splitlines()}
    lost = acked - counts.keys()
    twice = [message_id for message_id, count in counts.items() if count != 1]
    # Memorize A's move off the killed node, as its log tells it (the figure in docs/scaling.md).
    print("\n" + "\n".join(line for line in parts[0].output(tail=1_000_000).splitlines()
                            if "[ChatMQTT]" in line)[-3000:])
    print(f"\nRabbitMQ cluster: {MESSAGES} published by {PUBLISHERS} clients, node killed at {killed_at} stored; "
          f"publisher reconnects {sum(p.reconnects for p in publishers)}; flood {flood_done - started:.1f} s, "
          f"all stored {all_stored - started:.1f} s after the start ({all_stored - kill_time:.1f} s after the kill); "
          f"lost {len(lost)}, twice {len(twice)}; memorize A connected to another node {moved['memorize']:.1f} s, the page live there "
          f"{moved['page']:.1f} s after the kill")
    assert not lost, f"{len(lost)} acknowledged messages not stored, e.g. {sorted(lost)[:5]}"
    assert not twice, f"{len(twice)} stored more than once, e.g. {twice[:5]}"

    # Both servers answer the same history.
    def lastinfo(server) -> bytes:
        import base64
        import urllib.request
        request = urllib.request.Request(server.url + "data/lastinfo")
        token = base64.b64encode(f"{credentials[0]}:{credentials[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()
    assert lastinfo(server_a) == lastinfo(server_b)
    main_ids = {m for m, topic, _ in messages if topic == "rooms/main/newtext"}
    history = json.loads(lastinfo(server_a))["messages"]["main"]
    shown_in_history = [entry[1] for entry in history]
    expected_texts = [f"flood {i}" for i in range(ROOM_EVERY, MESSAGES + 1, ROOM_EVERY)]
    assert all(shown_in_history.count(text) == 1 for text in expected_texts), shown_in_history
    assert len(main_ids) == len(expected_texts)

    # The page, now on another node, shows every message of its room once.
    ann.wait(lambda d: all(text in ann.texts("main") for text in expected_texts),
             "every message of the room on the page", timeout=60)
    texts = ann.texts("main")
    doubled = [text for text in expected_texts if texts.count(text) != 1]
    assert not doubled, f"shown more than once: {doubled}"


def test_a_page_on_another_node_gets_keys_and_presence_without_retained_messages(cluster_chat, browsers):
    """RabbitMQ 3.10 hands retained messages only to exact-topic subscriptions on the node
    that holds them; pages subscribe to users/#, so they never get a retained key or
    presence. A page joining later on another node learns alice's key (pinned by memorize,
    in /data/lastinfo) and that she is online from the history instead."""
    cluster, pg, parts = cluster_chat
    server_a, server_b = parts[2], parts[3]
    alice_nick, bob_nick = unique("alice"), unique("bob")
    room = "main"

    alice = browsers("alice").open(server_a.url)  # first endpoint: node 2
    join_with_secret(alice, alice_nick, "alice's personal secret", PASSPHRASE)
    alice.send("signed, said on node 2")
    wait_until(lambda: int(pg.query("chatt", "SELECT count(*) FROM message WHERE text = 'signed, said on node 2'")) == 1,
               what="alice's message stored")
    wait_until(lambda: alice_nick in json.loads(pg.query(
        "chatt", "SELECT coalesce(json_agg(nick), '[]') FROM online_user")), what="alice online in the database")

    bob = browsers("bob").open(server_b.url).join(bob_nick, PASSPHRASE)  # first endpoint: node 1
    bob.wait(lambda d: alice_nick in bob.nicks(), f"{alice_nick} listed at bob (on another node)")
    bob.wait(lambda d: verdicts(bob, room).get("signed, said on node 2") == "verified",
             "alice's message verified at bob: her key came from the history")


def test_the_chat_pair_is_kept_to_the_chat_topics(cluster_chat):
    """setup-user.sh's topic permissions, like the mosquitto ACL: the pair may subscribe
    to rooms/#, users/# and direct/# but not to another tree, and a QoS 1 publish
    outside them gets no PUBACK (RabbitMQ closes the connection)."""
    cluster, _, _ = cluster_chat
    granted: list[list[bool]] = []
    gone = []
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"e2e-acl-{uuid.uuid4().hex[:8]}")
    client.username_pw_set(*cluster.credentials)
    client.on_subscribe = lambda c, u, mid, codes, p: granted.append([not code.is_failure for code in codes])
    client.on_disconnect = lambda c, u, f, rc, p: gone.append(rc)
    client.connect("127.0.0.1", cluster.nodes[0].mqtt_port)
    client.loop_start()
    try:
        client.subscribe("rooms/#", qos=1)
        wait_until(lambda: len(granted) == 1, what="SUBACK for rooms/#")
        client.subscribe("secrets/#", qos=1)
        wait_until(lambda: len(granted) == 2 or gone, what="SUBACK for secrets/#, or the connection closed")
        assert granted[0] == [True]
        assert gone or granted[1] == [False], f"secrets/# granted: {granted}"
    finally:
        client.loop_stop()
        client.disconnect()

    publisher = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"e2e-acl-{uuid.uuid4().hex[:8]}")
    publisher.username_pw_set(*cluster.credentials)
    closed = []
    publisher.on_disconnect = lambda c, u, f, rc, p: closed.append(rc)
    publisher.connect("127.0.0.1", cluster.nodes[0].mqtt_port)
    publisher.loop_start()
    try:
        info = publisher.publish("secrets/x", "not a chat topic", qos=1)
        wait_until(lambda: closed or info.is_published(), what="the publish refused or acknowledged")
        assert closed and not info.is_published(), "a publish outside the chat's topics was acknowledged"
    finally:
        publisher.loop_stop()
        publisher.disconnect()
