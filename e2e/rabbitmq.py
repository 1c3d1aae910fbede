"""A RabbitMQ cluster of its own for a test or a benchmark: three nodes on one machine,
each with MQTT (TCP) and Web MQTT (WebSocket) on free loopback ports, its own Erlang
cookie, its own epmd port, data and logs under `workdir`. No system service is used or
touched: the nodes run /usr/lib/rabbitmq/bin/rabbitmq-server directly as the current
user, found by the CLI tools through the same environment.

The cluster forms by itself (classic peer discovery, the three node names in each
node's rabbitmq.conf). Durable MQTT sessions are quorum queues (`mqtt.durable_queue_type`,
RabbitMQ 3.10), replicated on the three nodes. The only user is the chat's derived pair
(`login`, `password`), with the permissions ChaTT needs on the default vhost.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")
NODE_START_TIMEOUT = 180.0  # seconds: three Erlang VMs booting on two shared cores


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def installed() -> bool:
    return (RABBIT_BIN / "rabbitmq-server").exists()


class RabbitNode:
    """One node: `start()` boots it (again, with the same data, after a kill), `kill()` is
    `kill -9` on its Erlang VM, `stop()` a graceful stop."""

    def __init__(self, cluster: "RabbitCluster", index: int):
        self.cluster = cluster
        self.index = index
        self.name = f"chatt{index}@localhost"
        self.mqtt_port = _free_port()
        self.ws_port = _free_port()
        self.dist_port = _free_port()
        self.base = cluster.workdir / f"node{index}"
        self.base.mkdir(parents=True, exist_ok=True)
        self.log_path = self.base / "console.log"
        self.process: subprocess.Popen | None = None

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}/ws"

    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.mqtt_port}"

    def environment(self) -> dict[str, str]:
        return self.cluster.environment() | {
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(_free_port()),  # AMQP 0-9-1, unused but on loopback
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_CONFIG_FILE": str(self.write_config()),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_PLUGINS_EXPAND_DIR": str(self.base / "plugins-expand"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_PID_FILE": str(self.base / "pid"),
        }

    def write_config(self) -> Path:
        config = self.base / "rabbitmq.conf"
        nodes = [f"cluster_formation.classic_config.nodes.{n.index} = {n.name}" for n in self.cluster.nodes]
        config.write_text("\n".join([
            "cluster_formation.peer_discovery_backend = classic_config",
            *nodes,
            f"mqtt.listeners.tcp.default = 127.0.0.1:{self.mqtt_port}",
            f"web_mqtt.tcp.ip = 127.0.0.1",
            f"web_mqtt.tcp.port = {self.ws_port}",
            "mqtt.allow_anonymous = false",
            "mqtt.vhost = /",
            "mqtt.exchange = amq.topic",
            "mqtt.durable_queue_type = quorum",
            "mqtt.prefetch = 1000",
            "mqtt.retained_message_store = rabbit_mqtt_retained_msg_store_dets",
            "loopback_users = none",
            "log.console = true",
            "log.console.level = warning",
            "log.file = false",
        ]) + "\n")
        (self.base / "enabled_plugins").write_text("[rabbitmq_mqtt,rabbitmq_web_mqtt].\n")
        return config

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([str(RABBIT_BIN / "rabbitmq-server")], stdout=log,
                                            stderr=subprocess.STDOUT, env=self.environment(),
                                            start_new_session=True)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_listening(self, timeout: float = NODE_START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not (_port_open(self.mqtt_port) and _port_open(self.ws_port)):
            if not self.running():
                raise RuntimeError(f"RabbitMQ node {self.name} stopped:\n{self.output()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"RabbitMQ node {self.name} did not open its MQTT ports:\n{self.output()}")
            time.sleep(0.2)

    def kill(self) -> None:
        """`kill -9` of the node's whole process group (the VM, epmd is the cluster's own)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def output(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    def ctl(self, *arguments: str, timeout: float = 120) -> str:
        result = subprocess.run([str(RABBIT_BIN / "rabbitmqctl"), "-n", self.name, *arguments],
                                env=self.cluster.environment(), capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(arguments)} on {self.name} failed:\n"
                               f"{result.stdout}{result.stderr}")
        return result.stdout


class RabbitCluster:
    """Three (or `size`) clustered nodes; `start()` boots them, waits for the MQTT ports
    and for the cluster to hold them all, and creates the chat's user."""

    def __init__(self, workdir: Path, credentials: tuple[str, str], size: int = 3):
        self.workdir = workdir
        self.credentials = credentials
        self.home = workdir / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        cookie = self.home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(20))
        cookie.chmod(0o400)
        self.epmd_port = _free_port()
        self.nodes: list[RabbitNode] = []
        self.nodes = [RabbitNode(self, index) for index in range(1, size + 1)]

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        return env | {
            "HOME": str(self.home),  # the cookie of this cluster, for the nodes and rabbitmqctl
            "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "RABBITMQ_ALLOW_INPUT": "",
        }

    def start(self) -> "RabbitCluster":
        for node in self.nodes:
            node.start()
        for node in self.nodes:
            node.wait_listening()
        self.wait_clustered()
        first = self.nodes[0]
        login, password = self.credentials
        first.ctl("delete_user", "guest")
        first.ctl("add_user", login, password)
        # configure: the session queues; write: publish on amq.topic; read: consume them.
        first.ctl("set_permissions", "-p", "/", login, "^mqtt-subscription-.*", "^(amq\\.topic|mqtt-subscription-.*)$",
                  "^(amq\\.topic|mqtt-subscription-.*)$")
        return self

    def wait_clustered(self, timeout: float = NODE_START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        names = {node.name for node in self.nodes}
        while True:
            status = self.nodes[0].ctl("cluster_status", "--formatter", "json")
            try:
                running = set(json.loads(status).get("running_nodes", []))
            except ValueError:
                running = set()
            if names <= running:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the nodes did not form one cluster:\n{status}")
            time.sleep(1)

    def node_urls(self) -> str:
        return ",".join(node.url() for node in self.nodes)

    def stop(self) -> None:
        for node in reversed(self.nodes):
            node.stop()
        # epmd daemonizes itself: stop this cluster's own by its port.
        subprocess.run(["epmd", "-kill"], env=self.environment(), capture_output=True)

    def logs(self) -> str:
        return "\n".join(f"--- RabbitMQ {node.name}:\n{node.output()}" for node in self.nodes)
