"""A RabbitMQ cluster of its own for a test or a benchmark: three nodes on one machine,
each with MQTT (TCP) and Web MQTT (WebSocket) on free loopback ports, its own Erlang
cookie, its own epmd port, data and logs under `workdir`. No system service is used or
touched: each node is sample_configs/rabbitmq/node-on-one-machine.sh (RabbitMQ as the
current user, from sample_configs/rabbitmq/rabbitmq.conf with only the ports changed),
and the user is made by that folder's setup-user.sh: the test proves the sample.

The cluster forms by itself (classic peer discovery, the three node names in each
node's rabbitmq.conf) as the nodes start one after the other. Durable MQTT sessions are quorum queues (`mqtt.durable_queue_type`,
RabbitMQ 3.10), replicated on the three nodes. The only user is the chat's derived pair
(`login`, `password`), with the permissions ChaTT needs on the default vhost.
"""
from __future__ import annotations

import json
import secrets
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")
SAMPLE = Path(__file__).resolve().parent.parent / "sample_configs" / "rabbitmq"
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
        self.amqp_port = _free_port()  # AMQP 0-9-1: unused by ChaTT, on loopback all the same
        self.log_path = cluster.workdir / f"node{index}.log"
        self.process: subprocess.Popen | None = None

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}/ws"

    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.mqtt_port}"

    def start(self) -> None:
        """Runs sample_configs/rabbitmq/node-on-one-machine.sh, the way the README says
        to run a node on one machine, with this test's ports."""
        env = self.cluster.environment() | {
            "MQTT_PORT": str(self.mqtt_port), "WS_PORT": str(self.ws_port),
            "DIST_PORT": str(self.dist_port), "AMQP_PORT": str(self.amqp_port), "BIND": "127.0.0.1",
        }
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([str(SAMPLE / "node-on-one-machine.sh"), str(self.index),
                                             str(self.cluster.workdir)],
                                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

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

    def wait_mqtt_ready(self, timeout: float = NODE_START_TIMEOUT) -> None:
        """Until an MQTT login succeeds here: a node answers "broker unavailable" for a
        while after its port opens (its part of the cluster's client id registry starts)."""
        import paho.mqtt.client as paho
        deadline = time.monotonic() + timeout
        while True:
            accepted: list[bool] = []
            client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"chatt-ready-{secrets.token_hex(4)}")
            client.username_pw_set(*self.cluster.credentials)
            client.on_connect = lambda c, u, f, rc, p: accepted.append(not rc.is_failure)
            try:
                client.connect("127.0.0.1", self.mqtt_port, keepalive=10)
                end = time.monotonic() + 10
                while not accepted and time.monotonic() < end:
                    client.loop(timeout=0.2)
                client.disconnect()
            except OSError:
                pass
            if accepted and accepted[0]:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"RabbitMQ node {self.name} does not accept MQTT logins:\n{self.output()}")
            time.sleep(0.5)

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
        workdir.mkdir(parents=True, exist_ok=True)
        # The cluster's cookie, made before the three nodes start (each would make one).
        cookie = workdir / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(20))
        cookie.chmod(0o400)
        self.epmd_port = _free_port()
        self.nodes: list[RabbitNode] = []
        self.nodes = [RabbitNode(self, index) for index in range(1, size + 1)]

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        return env | {
            "HOME": str(self.workdir),  # the cluster's cookie (made by the first node), for rabbitmqctl
            "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    def start(self) -> "RabbitCluster":
        """Node 1, the user, then the others one at a time, each accepting MQTT logins
        before the next starts. (Three nodes booted at once sometimes leave the MQTT
        plugin's client id registry, a Raft group, without a leader: every MQTT login is
        then refused with "client ID registration timed out" for minutes.) On failure,
        whatever started is stopped."""
        try:
            first = self.nodes[0]
            first.start()
            first.wait_listening()
            login, password = self.credentials
            result = subprocess.run([str(SAMPLE / "setup-user.sh")], capture_output=True, text=True, timeout=300,
                                    env=self.environment() | {
                                        "CHATT_USER": login, "CHATT_PASS": password,
                                        "RABBITMQCTL": f"{RABBIT_BIN / 'rabbitmqctl'} -n {first.name}"})
            if result.returncode != 0:
                raise RuntimeError(f"setup-user.sh failed:\n{result.stdout}{result.stderr}")
            first.wait_mqtt_ready()
            for node in self.nodes[1:]:
                node.start()
                node.wait_listening()
                node.wait_mqtt_ready()
            self.wait_clustered()
        except BaseException:
            self.stop()
            raise
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
