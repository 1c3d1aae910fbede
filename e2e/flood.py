"""QoS 1 publishers for floods (the RabbitMQ cluster test and bench/rabbitmq.py): each
publishes its messages through one broker port; when that broker goes away it sends what
was not acknowledged (no PUBACK) again through the next port of its list, as an MQTT
client with a list of brokers does. `acked` holds the ids the broker acknowledged."""
from __future__ import annotations

import threading
import time
import uuid

import paho.mqtt.client as paho


class Publisher(threading.Thread):
    """Publishes `messages` ((id, topic, payload) triples) at QoS 1, from port
    `ports[index % len(ports)]` on."""

    def __init__(self, index: int, ports: list[int], credentials, messages, timeout: float = 600.0):
        super().__init__(name=f"publisher{index}", daemon=True)
        self.index = index
        self.ports = ports
        self.timeout = timeout
        self.credentials = credentials
        self.pending = list(messages)
        self.acked: set[str] = set()
        self.reconnects = 0
        self.error: str | None = None

    def run(self) -> None:
        port_index = self.index % len(self.ports)
        deadline = time.monotonic() + self.timeout
        while self.pending and time.monotonic() < deadline:
            try:
                self.publish_through(self.ports[port_index])
            except OSError:
                pass
            if self.pending:
                self.reconnects += 1
                port_index = (port_index + 1) % len(self.ports)
                time.sleep(0.2)
        if self.pending:
            self.error = f"{len(self.pending)} messages never acknowledged"

    def publish_through(self, port: int) -> None:
        gone = threading.Event()
        connected = threading.Event()
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"e2e-pub-{uuid.uuid4().hex[:10]}")
        client.username_pw_set(*self.credentials)
        client.max_inflight_messages_set(100)
        client.max_queued_messages_set(0)
        client.on_connect = lambda c, u, f, rc, p: connected.set() if not rc.is_failure else gone.set()
        client.on_disconnect = lambda c, u, f, rc, p: gone.set()
        client.connect("127.0.0.1", port, keepalive=10)
        client.loop_start()
        try:
            if not wait_for_either(connected, gone, 30) or gone.is_set():
                return
            infos = [(message_id, client.publish(topic, payload, qos=1)) for message_id, topic, payload in self.pending]
            while not gone.is_set() and not all(info.is_published() for _, info in infos):
                gone.wait(0.05)
            self.acked |= {message_id for message_id, info in infos if info.is_published()}
            self.pending = [m for m in self.pending if m[0] not in self.acked]
        finally:
            client.loop_stop()
            client.disconnect()


def wait_for_either(first: threading.Event, second: threading.Event, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if first.is_set() or second.is_set():
            return True
        time.sleep(0.02)
    return False
