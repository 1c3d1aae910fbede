"""Helpers for e2e/test_sample_configs.py: temp copies of sample_configs/ with ports and
paths substituted, processes started and always stopped, MQTT checks with paho.

Everything listens on 127.0.0.1 on free ports and writes under a temp directory.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import paho.mqtt.client as mqtt

from harness import Part, free_port

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_configs"
BUILD = REPO / ".build" / "debug"
PASSPHRASE = "plop"


# --- ports, directories ---------------------------------------------------------------

@contextmanager
def work_dir(owner: str | None = None) -> Iterator[Path]:
    """A fresh directory under /tmp, removed afterwards. Mode 755 (and owned by `owner`
    when we are root and the user exists), so a broker that drops root privileges can
    still read its files and write its persistence there."""
    path = Path(tempfile.mkdtemp(prefix="chatt-cfg-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def chown_to(path: Path, user: str) -> None:
    """Hands `path` (recursively) to `user` when we are root and the user exists."""
    if os.geteuid() != 0:
        return
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return
    for p in [path, *path.rglob("*")]:
        os.chown(p, entry.pw_uid, entry.pw_gid)


# --- substitution ---------------------------------------------------------------------

def substitute(text: str, replacements: list[tuple[str, str]], what: str) -> str:
    """Applies regex replacements (MULTILINE), each of which must match at least once,
    so a sample that drifts away from what the test expects fails loudly."""
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count >= 1, f"{what}: expected a line matching {pattern!r}"
    return text


# --- credentials ----------------------------------------------------------------------

def plop_pair() -> tuple[str, str]:
    """The MQTT login and password for "plop": chatt-genpass when built, else the page's
    own derivation (web/static/js/credentials.js) through node; both are held to the
    same 1,500 vectors by their own tests."""
    genpass = BUILD / "chatt-genpass"
    if genpass.exists():
        out = subprocess.run([str(genpass), "--json", PASSPHRASE], check=True, capture_output=True,
                             text=True, timeout=30).stdout
        pair = json.loads(out)
        return pair["login"], pair["password"]
    script = ("import('./web/static/js/credentials.js')"
              f".then(m => console.log(JSON.stringify(m.makeRandomPair({json.dumps(PASSPHRASE)}))))")
    out = subprocess.run(["node", "-e", script], cwd=REPO, check=True, capture_output=True, text=True,
                         timeout=30).stdout
    login, password = json.loads(out)
    return login, password


# --- processes ------------------------------------------------------------------------

class Service(Part):
    """A process started by a test in a session of its own, logging to a file, stopped by
    `stop()` (the given signal, then SIGKILL, then whatever it left in its group)."""

    def __init__(self, name: str, argv: list[str], log: Path, cwd: Path | None = None,
                 env: dict[str, str] | None = None, stop_signal: int = signal.SIGTERM):
        super().__init__(name, log.parent, log_path=log, stop_signal=stop_signal)
        self.argv = argv
        self.spawn(argv, env={**os.environ, **(env or {})}, cwd=cwd, new_session=True)
        self.proc = self.process

    def log(self) -> str:
        return self.output(tail=None)

    def wait_for_port(self, port: int, timeout: float = 30) -> None:
        self.wait_port(port, timeout)

    def wait_for_log(self, needle: str, timeout: float = 30) -> None:
        self.wait_for(lambda: needle in self.log(), f"has no {needle!r} in its log after {timeout}s", timeout)


@contextmanager
def running(*args, **kwargs) -> Iterator[Service]:
    service = Service(*args, **kwargs)
    try:
        yield service
    finally:
        service.stop()


# --- brokers --------------------------------------------------------------------------

# Debian's /etc/mosquitto/mosquitto.conf (package mosquitto 2.0.11), comments left out:
# what the sample is installed beside, as /etc/mosquitto/conf.d/chatt.conf.
DEBIAN_MOSQUITTO_CONF = """\
pid_file /run/mosquitto/mosquitto.pid
persistence true
persistence_location /var/lib/mosquitto/
log_dest file /var/log/mosquitto/mosquitto.log
include_dir /etc/mosquitto/conf.d
"""


# chatt-memorize's own broker account, as sample_configs/README.md adds it to the password
# file (there with a random password; a fixed one here, in a temp copy only).
MEMORIZE_LOGIN = "chatt-memorize"
MEMORIZE_PASSWORD = "memorize-" + uuid.uuid4().hex


def mosquitto_config(directory: Path, tcp_port: int, ws_port: int, layout: str = "debian",
                     more: list[tuple[str, str]] | None = None) -> Path:
    """sample_configs/mosquitto.conf, with its ports, password file (plus chatt-memorize's
    account, as the README makes it) and ACL moved into `directory`, everything else as
    shipped; `more`: further (pattern, replacement) pairs. Layout "debian": as Debian runs
    it, in conf.d/ beside the stock mosquitto.conf (its paths moved into `directory` too);
    "standalone": alone, with the commented persistence_location turned on."""
    shutil.copy(SAMPLES / "passwords", directory / "passwords")
    subprocess.run(["mosquitto_passwd", "-b", str(directory / "passwords"), MEMORIZE_LOGIN, MEMORIZE_PASSWORD],
                   check=True, capture_output=True, timeout=30)
    shutil.copy(SAMPLES / "acl", directory / "acl")
    (directory / "data").mkdir()
    replacements = [
        (r"^listener 1883 127\.0\.0\.1$", f"listener {tcp_port} 127.0.0.1"),
        (r"^listener 9001$", f"listener {ws_port} 127.0.0.1"),
        (r"^password_file .*$", f"password_file {directory / 'passwords'}"),
        (r"^acl_file .*$", f"acl_file {directory / 'acl'}"),
        *(more or []),
    ]
    if layout == "standalone":
        replacements.append((r"^#persistence_location .*$", f"persistence_location {directory / 'data'}/"))
    sample = substitute((SAMPLES / "mosquitto.conf").read_text(), replacements, "mosquitto.conf")
    if layout == "standalone":
        path = directory / "mosquitto.conf"
        path.write_text(sample)
    else:
        (directory / "conf.d").mkdir()
        (directory / "conf.d" / "chatt.conf").write_text(sample)
        main = substitute(DEBIAN_MOSQUITTO_CONF, [
            (r"^pid_file .*$", f"pid_file {directory / 'mosquitto.pid'}"),
            (r"^persistence_location .*$", f"persistence_location {directory / 'data'}/"),
            (r"^log_dest file .*$", "log_dest stdout"),
            (r"^include_dir .*$", f"include_dir {directory / 'conf.d'}"),
        ], "Debian's mosquitto.conf")
        path = directory / "mosquitto.conf"
        path.write_text(main)
    chown_to(directory, "mosquitto")
    return path


@contextmanager
def mosquitto(directory: Path, layout: str = "debian",
              more: list[tuple[str, str]] | None = None) -> Iterator[tuple[Service, int, int]]:
    tcp_port, ws_port = free_port(), free_port()
    config = mosquitto_config(directory, tcp_port, ws_port, layout, more)
    with running("mosquitto", ["mosquitto", "-c", str(config)], directory / "mosquitto.log") as broker:
        broker.wait_for_port(tcp_port)
        broker.wait_for_port(ws_port)
        yield broker, tcp_port, ws_port


def amqtt_command() -> list[str]:
    import sys
    script = Path(sys.executable).parent / "amqtt"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "amqtt.scripts.broker_script"]


def amqtt_config(directory: Path, tcp_port: int, ws_port: int, password_file: Path | None = None) -> Path:
    """sample_configs/amqtt.yaml with its ports and password file substituted; the password
    file gets chatt-memorize's account, as sample_configs/README.md adds it."""
    from pwdlib.hashers.argon2 import Argon2Hasher

    passwords = (password_file or SAMPLES / "amqtt.passwords").read_text().rstrip("\n")
    memorize = f"{MEMORIZE_LOGIN}:{Argon2Hasher().hash(MEMORIZE_PASSWORD)}"
    (directory / "amqtt.passwords").write_text(f"{passwords}\n{memorize}\n")
    text = substitute((SAMPLES / "amqtt.yaml").read_text(), [
        (r"^(    bind: )127\.0\.0\.1:1883$", rf"\g<1>127.0.0.1:{tcp_port}"),
        (r"^(    bind: )0\.0\.0\.0:9001$", rf"\g<1>127.0.0.1:{ws_port}"),
        (r"^(    password_file: ).*$", rf"\g<1>{directory / 'amqtt.passwords'}"),
    ], "amqtt.yaml")
    path = directory / "amqtt.yaml"
    path.write_text(text)
    return path


@contextmanager
def amqtt(directory: Path, password_file: Path | None = None) -> Iterator[tuple[Service, int, int]]:
    tcp_port, ws_port = free_port(), free_port()
    config = amqtt_config(directory, tcp_port, ws_port, password_file)
    # amqtt shuts down cleanly on SIGINT (KeyboardInterrupt); SIGTERM would just end it.
    with running("amqtt", [*amqtt_command(), "-c", str(config)], directory / "amqtt.log",
                 env={"PYTHONWARNINGS": "ignore"}, stop_signal=signal.SIGINT) as broker:
        broker.wait_for_port(tcp_port)
        broker.wait_for_port(ws_port)
        yield broker, tcp_port, ws_port


# --- MQTT with paho -------------------------------------------------------------------

def paho_client(transport: str = "tcp", path: str = "/", tls: bool = False,
                username: str | None = None, password: str | None = None) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"cfg-test-{uuid.uuid4().hex[:12]}",
                         transport=transport)
    if transport == "websockets":
        client.ws_set_options(path=path)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        client.tls_set_context(context)
    if username is not None:
        client.username_pw_set(username, password)
    return client


def connect_result(port: int, username: str | None = None, password: str | None = None,
                   transport: str = "tcp", path: str = "/", tls: bool = False, timeout: float = 10) -> str:
    """Connects once and tells what happened: "accepted", "refused: <reason>", or
    "dropped" (the connection closed with no CONNACK)."""
    client = paho_client(transport, path, tls, username, password)
    done = threading.Event()
    result: list[str] = []

    def on_connect(_c, _u, _flags, reason_code, _props):
        result.append("accepted" if not reason_code.is_failure else f"refused: {reason_code}")
        done.set()

    def on_disconnect(_c, _u, _flags, _reason_code, _props):
        if not result:
            result.append("dropped")
        done.set()

    def on_connect_fail(_c, _u):
        if not result:
            result.append("dropped")
        done.set()

    client.on_connect = on_connect
    client.on_disconnect = on_disconnect
    client.on_connect_fail = on_connect_fail
    client.reconnect_delay_set(60, 60)
    try:
        client.connect("127.0.0.1", port, keepalive=30)
    except OSError as error:
        return f"dropped ({error})"
    client.loop_start()
    try:
        done.wait(timeout)
        return result[0] if result else "no answer"
    finally:
        client.disconnect()
        client.loop_stop()


def round_trip(port: int, username: str, password: str, transport: str = "tcp", path: str = "/",
               tls: bool = False, timeout: float = 15) -> bytes:
    """Subscribes to a fresh topic, publishes one QoS 1 message to it from a second
    client, and returns the payload received."""
    topic = f"rooms/cfgtest-{uuid.uuid4().hex[:8]}/newtext"
    payload = json.dumps({"author": "cfgtest", "text": f"hello over {transport}"}).encode()
    received: list[bytes] = []
    got, subscribed, connected = threading.Event(), threading.Event(), threading.Event()

    subscriber = paho_client(transport, path, tls, username, password)
    subscriber.on_connect = lambda c, _u, _f, rc, _p: (
        c.subscribe(topic, qos=1) if not rc.is_failure else None)
    subscriber.on_subscribe = lambda *_: subscribed.set()
    subscriber.on_message = lambda _c, _u, m: (received.append(m.payload), got.set())
    publisher = paho_client(transport, path, tls, username, password)
    publisher.on_connect = lambda _c, _u, _f, rc, _p: connected.set() if not rc.is_failure else None
    try:
        subscriber.connect("127.0.0.1", port)
        subscriber.loop_start()
        assert subscribed.wait(timeout), f"no SUBACK over {transport} on port {port}"
        publisher.connect("127.0.0.1", port)
        publisher.loop_start()
        assert connected.wait(timeout), f"the publisher got no CONNACK over {transport} on port {port}"
        publisher.publish(topic, payload, qos=1).wait_for_publish(timeout)
        assert got.wait(timeout), f"nothing received over {transport} on port {port}"
        assert received[0] == payload
        return received[0]
    finally:
        for client in (publisher, subscriber):
            client.disconnect()
            client.loop_stop()


# --- checks of what a broker refuses (issue 14) ---------------------------------------

def listening_addresses(port: int) -> list[str]:
    """The local addresses that `ss -ltn` shows listening on `port` ("*" = every address)."""
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True,
                         timeout=10).stdout
    return sorted(line.split()[3].rsplit(":", 1)[0] for line in out.splitlines() if line.strip())


class Listener:
    """A paho client that keeps what it receives, subscribed to `filters` (SUBACKs waited for)."""

    def __init__(self, port: int, username: str | None, password: str | None, filters: list[str],
                 transport: str = "tcp", client_id: str | None = None, clean: bool = True):
        self.client = mqtt_client(port, username, password, transport, client_id, clean)
        self.received: list[tuple[str, bytes]] = []
        self.client.on_message = lambda _c, _u, m: self.received.append((m.topic, m.payload))
        granted = threading.Event()
        self.client.on_subscribe = lambda *_args: granted.set()
        for topic in filters:
            granted.clear()
            self.client.subscribe(topic, qos=1)
            assert granted.wait(15), f"no SUBACK for {topic}"

    def topics(self) -> list[str]:
        return [topic for topic, _ in self.received]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def mqtt_client(port: int, username: str | None, password: str | None, transport: str = "tcp",
                client_id: str | None = None, clean: bool = True):
    """A connected paho client (CONNACK accepted), its network loop running."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, transport=transport, clean_session=clean,
                            client_id=client_id or f"cfg-test-{uuid.uuid4().hex[:12]}")
    if username is not None:
        client.username_pw_set(username, password)
    connected = threading.Event()
    client.on_connect = lambda _c, _u, _f, rc, _p: connected.set() if not rc.is_failure else None
    client.connect("127.0.0.1", port)
    client.loop_start()
    assert connected.wait(15), f"no CONNACK on port {port} for {username}"
    return client


def publish_as(port: int, username: str, password: str, messages: list[tuple[str, bytes | str]],
               transport: str = "tcp") -> bool:
    """Publishes at QoS 1 in order; True when every PUBACK came, False when the broker
    dropped the connection first."""
    client = mqtt_client(port, username, password, transport)
    dropped = threading.Event()
    client.on_disconnect = lambda *_args: dropped.set()
    try:
        for topic, payload in messages:
            info = client.publish(topic, payload, qos=1)
            deadline = time.monotonic() + 15
            while not info.is_published() and not dropped.is_set() and time.monotonic() < deadline:
                time.sleep(0.02)
            if not info.is_published():
                assert dropped.is_set(), f"no PUBACK and no disconnect for {topic}"
                return False
        return True
    finally:
        client.disconnect()
        client.loop_stop()


def wait_for(condition, what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
