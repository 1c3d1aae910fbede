"""The real parts of a chat, started for a test and stopped after it: mosquitto (TCP and
WebSocket listeners on free loopback ports), chatt-memorize and chatt-server from
.build/debug. Everything listens on 127.0.0.1 only.

Each part is a `Part` (a child process with its log in a temporary folder); `Stack`
starts the three in order, waits for their ports, and stops them in reverse order.
"""
from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import paho.mqtt.client as paho

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("CHATT_BIN_DIR", ROOT / ".build" / "debug")).resolve()
WEB_ROOT = ROOT / "web"
START_TIMEOUT = 30.0  # seconds for a part to open its port; the machine is shared and slow
WAIT = 15.0  # seconds for anything the tests wait for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(condition, timeout: float = WAIT, what: str = "condition", interval: float = 0.05):
    """Polls `condition` until it returns something truthy, which is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def clean_environment(**extra: str) -> dict[str, str]:
    """Our environment without what the daemons read as settings (USER is set by shells
    and would count as a login with PASS), plus `extra`."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"USER", "PASS", "CHATT_USER", "CHATT_PASS", "HOST", "WS_PORT", "CHATT_WEB_ROOT",
                        "CHATT_SCHEME", "CHATT_SCHEME_SALT"}}
    env.update(extra)
    return env


def genpass(passphrase: str, salt: str | None = None) -> tuple[str, str]:
    """The MQTT login and password of a passphrase, as chatt-genpass derives them: the
    legacy scheme, or the strong one with the chat's `salt`."""
    scheme = ["--scheme", "strong", "--salt", salt] if salt else []
    out = subprocess.run([str(BIN / "chatt-genpass"), "--json", *scheme, passphrase],
                         check=True, capture_output=True, text=True).stdout
    pair = json.loads(out)
    return pair["login"], pair["password"]


class Part:
    """One child process with its output in `log_path`, stopped by `stop()`: `stop_signal`,
    then SIGKILL if it is stuck (and, when it was started in a session of its own, whatever
    it left in its process group)."""

    def __init__(self, name: str, workdir: Path, log_path: Path | None = None, stop_signal: int = signal.SIGTERM):
        self.name = name
        self.log_path = log_path or workdir / f"{name}.log"
        self.stop_signal = stop_signal
        self.process: subprocess.Popen | None = None
        self.new_session = False

    def spawn(self, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = ROOT,
              new_session: bool = False, **kwargs) -> None:
        self.new_session = new_session
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                            env=env or clean_environment(), cwd=cwd,
                                            start_new_session=new_session, **kwargs)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_port(self, port: int, timeout: float = START_TIMEOUT) -> None:
        self.wait_for(lambda: port_open(port), f"does not listen on {port}", timeout)

    def wait_for(self, condition, failure: str, timeout: float = START_TIMEOUT) -> None:
        """Until `condition()` holds; fails, with the part's output, if the part stops
        or `timeout` passes first (then saying `failure`)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if not self.running():
                code = self.process.returncode if self.process else None
                raise RuntimeError(f"{self.name} stopped (exit {code}):\n{self.output()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} {failure}:\n{self.output()}")
            time.sleep(0.05)

    def stop(self, timeout: float = 10) -> int | None:
        """The stop signal and a wait (a graceful stop is part of what we test); SIGKILL if
        stuck. Returns the exit status."""
        if self.process is None:
            return None
        process = self.process
        if process.poll() is None:
            process.send_signal(self.stop_signal)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.new_session:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process = None
        return process.returncode

    def output(self, tail: int | None = 4000) -> str:
        """The part's output so far: its last `tail` characters, or all of it."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return text if tail is None else text[-tail:]


class Broker(Part):
    """mosquitto with a TCP and a WebSocket listener; persistence on, so a restart on the
    same ports keeps memorize's session (what the reconnect test needs)."""

    def __init__(self, workdir: Path, credentials: tuple[str, str] | None = None):
        super().__init__("mosquitto", workdir)
        self.workdir = workdir
        self.port = free_port()
        self.ws_port = free_port()
        self.credentials = credentials
        (workdir / "mosquitto").mkdir(exist_ok=True)

    def write_config(self, websocket: bool = True) -> Path:
        lines = []
        if os.geteuid() == 0:
            lines.append("user root")
        lines += [
            "persistence true",
            f"persistence_location {self.workdir}/mosquitto/",
            "max_queued_messages 100000",
            "max_inflight_messages 1000",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "per_listener_settings false",
            f"listener {self.port} 127.0.0.1",
        ]
        if websocket:
            lines += [f"listener {self.ws_port} 127.0.0.1", "protocol websockets"]
        if self.credentials:
            passwords = self.workdir / "mosquitto" / "passwords"
            if not passwords.exists():
                subprocess.run(["mosquitto_passwd", "-c", "-b", str(passwords), *self.credentials],
                               check=True, capture_output=True)
                passwords.chmod(0o600)
            lines += ["allow_anonymous false", f"password_file {passwords}"]
        else:
            lines.append("allow_anonymous true")
        conf = self.workdir / "mosquitto" / "mosquitto.conf"
        conf.write_text("\n".join(lines) + "\n")
        return conf

    def start(self, websocket: bool = True) -> None:
        """`websocket=False` opens only the TCP listener: daemons and MQTT clients get in,
        browsers do not (used to make a browser miss messages for certain)."""
        self.spawn(["mosquitto", "-c", str(self.write_config(websocket))])
        self.wait_port(self.port)
        if websocket:
            self.wait_port(self.ws_port)

    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"


class Memorize(Part):
    def __init__(self, workdir: Path, broker: Broker, db: Path):
        super().__init__("chatt-memorize", workdir)
        self.broker = broker
        self.db = db
        self.client_id = f"e2e-memorize-{uuid.uuid4().hex[:8]}"

    def start(self) -> None:
        extra = {}
        if self.broker.credentials:
            extra = {"CHATT_USER": self.broker.credentials[0], "CHATT_PASS": self.broker.credentials[1]}
        # --no-reverse-dns: greetings need no host name lookups here.
        self.spawn([str(BIN / "chatt-memorize"), "--subscribe", "--broker", self.broker.url(),
                    "--db", str(self.db), "--client-id", self.client_id, "--no-reverse-dns"],
                   env=clean_environment(**extra))

    def wait_subscribed(self) -> None:
        """Until the broker granted memorize's subscriptions: what is published before
        that has no session to wait in, and the history would miss it."""
        self.wait_for(lambda: "[ChatMemorize] subscribed" in self.output(tail=1_000_000), "did not subscribe")

    def export(self) -> list[dict]:
        """`chatt-memorize --export`: every stored message, oldest first."""
        out = subprocess.run([str(BIN / "chatt-memorize"), "--export", "--db", str(self.db)],
                             check=True, capture_output=True, text=True, env=clean_environment()).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


class Server(Part):
    def __init__(self, workdir: Path, broker: Broker, db: Path, salt: str | None = None,
                 extra_args: tuple[str, ...] = ()):
        super().__init__("chatt-server", workdir)
        self.broker = broker
        self.db = db
        self.salt = salt
        self.extra_args = extra_args
        self.port = free_port()

    def start(self) -> None:
        extra = {"HOST": "127.0.0.1"}
        if self.salt:
            extra |= {"CHATT_SCHEME": "strong", "CHATT_SCHEME_SALT": self.salt}
        if self.broker.credentials:
            extra |= {"CHATT_USER": self.broker.credentials[0], "CHATT_PASS": self.broker.credentials[1]}
        self.spawn([str(BIN / "chatt-server"), "--db", str(self.db), "--bind", "127.0.0.1",
                    "--port", str(self.port), "--ws-port", str(self.broker.ws_port), "--web-root", str(WEB_ROOT),
                    *self.extra_args],
                   env=clean_environment(**extra))
        self.wait_port(self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


class Stack:
    """Broker + memorize + server sharing one database; `passphrase` protects all three,
    by the legacy scheme, or by the strong one when the chat has a `salt`."""

    def __init__(self, workdir: Path, passphrase: str | None = None, salt: str | None = None,
                 server_args: tuple[str, ...] = ()):
        self.workdir = workdir
        self.passphrase = passphrase
        self.credentials = genpass(passphrase, salt) if passphrase else None
        self.db = workdir / "chatt.db"
        self.broker = Broker(workdir, self.credentials)
        self.memorize = Memorize(workdir, self.broker, self.db)
        self.server = Server(workdir, self.broker, self.db, salt, server_args)

    def start(self, broker: bool = True) -> "Stack":
        if broker:
            self.broker.start()
        self.memorize.start()
        self.server.start()
        if broker:
            self.memorize.wait_subscribed()
        return self

    def stop(self) -> None:
        for part in (self.server, self.memorize, self.broker):
            part.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ({p.log_path}):\n{p.output()}" for p in (self.broker, self.memorize, self.server))

    # HTTP

    def get_json(self, path: str, credentials: tuple[str, str] | None | bool = True):
        """GET a /data route; `credentials=True` means the stack's own (if protected)."""
        pair = self.credentials if credentials is True else (credentials or None)
        request = urllib.request.Request(self.server.url + path.lstrip("/"))
        if pair:
            token = base64.b64encode(f"{pair[0]}:{pair[1]}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def lastinfo(self):
        return self.get_json("data/lastinfo")

    def stored(self, room: str, text: str) -> bool:
        """Is a message with this text among the last ones of `room` in /data/lastinfo?"""
        return any(entry[1] == text for entry in self.lastinfo()["messages"].get(room, []))

    # MQTT, as a non-browser client would speak it

    def mqtt_client(self) -> paho.Client:
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"e2e-{uuid.uuid4().hex[:10]}")
        if self.credentials:
            client.username_pw_set(*self.credentials)
        client.connect("127.0.0.1", self.broker.port)
        client.loop_start()
        return client

    def publish(self, messages: list[tuple[str, str | bytes]], qos: int = 1) -> None:
        """Publishes (topic, payload) pairs in order and waits until the broker has them all."""
        client = self.mqtt_client()
        try:
            infos = [client.publish(topic, payload, qos=qos) for topic, payload in messages]
            for info in infos:
                info.wait_for_publish(timeout=WAIT)
                if not info.is_published():
                    raise AssertionError(f"the broker did not acknowledge a publish (rc {info.rc})")
        finally:
            client.loop_stop()
            client.disconnect()


def newtext(author: str, text: str, message_id: str | None = None, ts: int | None = None) -> str:
    payload = {"author": author, "text": text}
    if message_id is not None:
        payload["id"] = message_id
    if ts is not None:
        payload["ts"] = ts
    return json.dumps(payload)


def unique(prefix: str) -> str:
    """A fresh room or nickname per test (rooms: letters, digits, '-')."""
    return f"{prefix}-{uuid.uuid4().hex[:6]}"
