"""./run.sh end to end (issue 8): it starts mosquitto, chatt-memorize and chatt-server
with a passphrase; two pages chat through it; the message is in the history API and in
memorize's database; SIGTERM stops all three. CHATT_BIN_DIR points run.sh at the debug
build so that it skips its (slow) release build."""
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

import configs_support as cs
from harness import BIN, ROOT, clean_environment, free_port, genpass, port_open, unique, wait_until

PASSPHRASE = "plop"


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`, by pid, with their command name."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        parent = int(text[text.rindex(")") + 2:].split()[1])
        if parent == pid:
            found[int(stat.parent.name)] = name
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


def test_run_sh_runs_the_chat_and_stops_everything_on_sigterm(browsers):
    data_dir = Path(tempfile.mkdtemp(prefix="chatt-run-sh-"))
    http_port, mqtt_port, ws_port = free_port(), free_port(), free_port()
    env = clean_environment(
        PASSPHRASE=PASSPHRASE, HTTP_PORT=str(http_port), MQTT_PORT=str(mqtt_port), WS_PORT=str(ws_port),
        DATA_DIR=str(data_dir), BIND="127.0.0.1", CHATT_BIN_DIR=str(BIN),
        CHATT_ENV_FILE=str(data_dir / "no-such.env"))
    log = data_dir / "run.log"
    parts: dict[int, str] = {}
    with open(log, "wb") as output:
        run = subprocess.Popen([str(ROOT / "run.sh")], env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: "ready:" in log.read_text() or run.poll() is not None, timeout=60, what="run.sh to be ready")
        assert run.poll() is None, log.read_text()
        parts = children(run.pid)
        assert sorted(parts.values()) == ["chatt-memorize", "chatt-server", "mosquitto"], parts
        assert port_open(ws_port) and port_open(mqtt_port)

        url = f"http://127.0.0.1:{http_port}/"
        ann_nick, bob_nick = unique("ann"), unique("bob")
        ann = browsers("ann").open(url).join(ann_nick, PASSPHRASE)
        bob = browsers("bob").open(url).join(bob_nick, PASSPHRASE)
        login, password = genpass(PASSPHRASE)
        assert ann.driver.title == f"ChaTT-{login[:2]}"
        text = f"through run.sh, from {ann_nick}"
        ann.send(text)
        bob.wait_text("main", text)

        request = urllib.request.Request(url + "data/lastinfo", headers={
            "Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()})

        def stored():
            with urllib.request.urlopen(request, timeout=10) as response:
                return any(e[:2] == [ann_nick, text] for e in json.load(response)["messages"].get("main", []))
        wait_until(stored, what="the message in /data/lastinfo")
        export = subprocess.run([str(BIN / "chatt-memorize"), "--export", "--db", str(data_dir / "chatt.db")],
                                check=True, capture_output=True, text=True, env=clean_environment()).stdout
        assert {"room": "main", "author": ann_nick, "text": text} in [
            {k: m[k] for k in ("room", "author", "text")} for m in map(json.loads, export.splitlines())]

        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 0, log.read_text()
        wait_until(lambda: not any(alive(pid) for pid in parts), what="mosquitto, chatt-memorize and chatt-server to stop")
        assert not any(port_open(port) for port in (http_port, mqtt_port, ws_port))
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        for pid in parts:  # only what run.sh started, by pid
            if alive(pid):
                os.kill(pid, signal.SIGTERM)
        shutil.rmtree(data_dir, ignore_errors=True)


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(entry.split("=", 1) for entry in raw.decode(errors="replace").split("\0") if "=" in entry)


@pytest.mark.parametrize("passphrase", [PASSPHRASE, ""], ids=["protected", "unprotected"])
def test_run_sh_broker_keeps_members_to_the_chat(passphrase):
    """Issue 14 with run.sh's generated broker config (BIND=127.0.0.1): the WebSocket
    listener is on 127.0.0.1 only (ss); chatt-memorize has its own account (login
    chatt-memorize, a random password kept mode 600 in DATA_DIR, given to memorize only)
    that the members' password does not open; members get the chat's topics only ($SYS
    refused); a payload past the size limit reaches nobody and is not stored, and memorize
    still stores everything else."""
    data_dir = Path(tempfile.mkdtemp(prefix="chatt-run-sh-"))
    http_port, mqtt_port, ws_port = free_port(), free_port(), free_port()
    env = clean_environment(
        PASSPHRASE=passphrase, HTTP_PORT=str(http_port), MQTT_PORT=str(mqtt_port), WS_PORT=str(ws_port),
        DATA_DIR=str(data_dir), BIND="127.0.0.1", CHATT_BIN_DIR=str(BIN),
        CHATT_ENV_FILE=str(data_dir / "no-such.env"))
    log = data_dir / "run.log"
    parts: dict[int, str] = {}
    with open(log, "wb") as output:
        run = subprocess.Popen([str(ROOT / "run.sh")], env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: "ready:" in log.read_text() or run.poll() is not None, timeout=60, what="run.sh to be ready")
        assert run.poll() is None, log.read_text()
        parts = children(run.pid)
        pid_of = {name: pid for pid, name in parts.items()}

        assert cs.listening_addresses(ws_port) == ["127.0.0.1"]
        assert cs.listening_addresses(mqtt_port) == ["127.0.0.1"]

        secret = data_dir / "memorize-broker-password"
        assert secret.stat().st_mode & 0o777 == 0o600
        assert (data_dir / "mosquitto" / "passwords").stat().st_mode & 0o777 == 0o600
        memorize_password = secret.read_text()
        assert len(memorize_password) >= 32
        memorize_env = environment_of(pid_of["chatt-memorize"])
        assert (memorize_env.get("CHATT_USER"), memorize_env.get("CHATT_PASS")) == ("chatt-memorize", memorize_password)
        server_env = environment_of(pid_of["chatt-server"])
        assert memorize_password not in server_env.values()
        if passphrase:
            login, password = genpass(passphrase)
            assert (server_env.get("CHATT_USER"), server_env.get("CHATT_PASS")) == (login, password)
        else:
            login = password = None
            assert "CHATT_PASS" not in server_env

        # Nobody logs in as memorize without its password: not with the members' one, not anonymously.
        for port, transport in ((mqtt_port, "tcp"), (ws_port, "websockets")):
            assert cs.connect_result(port, "chatt-memorize", password or "guess", transport).startswith("refused")
            assert cs.connect_result(port, "chatt-memorize", memorize_password, transport) == "accepted"
            anonymous = cs.connect_result(port, None, None, transport)
            assert anonymous.startswith("refused") if passphrase else anonymous == "accepted"

        # A member gets the chat's topics only.
        room = unique("acl")
        member = cs.Listener(ws_port, login, password, ["#", "$SYS/#"], "websockets")
        try:
            first = json.dumps({"author": "ann", "text": "in", "id": f"{room}-0"})
            assert cs.publish_as(mqtt_port, login, password, [("other/topic", "x"), (f"rooms/{room}/newtext", first)])
            cs.wait_for(lambda: f"rooms/{room}/newtext" in member.topics(), "the member's copy")
            assert "other/topic" not in member.topics()
            assert not [t for t in member.topics() if t.startswith("$SYS")], member.topics()
        finally:
            member.close()

        # A member taking the client id memorize had before issue 14 (chatt-memorize-<host>)
        # takes nothing from memorize now (its id is random, kept in its database).
        squatter = cs.Listener(mqtt_port, login, password, ["rooms/#"],
                               client_id=f"chatt-memorize-{socket.gethostname()}", clean=False)

        # Past the size limit: reaches nobody, stored nowhere; memorize stores all the rest.
        texts = [f"message {n} in {room}" for n in range(200)]
        big = json.dumps({"author": "ann", "text": "x" * 300_000, "id": f"{room}-big"})
        messages = [(f"rooms/{room}/newtext", json.dumps({"author": "ann", "text": t, "id": f"{room}-{n + 1}"}))
                    for n, t in enumerate(texts)]
        around_big = messages[:100] + [(f"rooms/{room}/newtext", big)] + messages[100:]
        assert cs.publish_as(ws_port, login, password, around_big, "websockets")
        assert not cs.publish_as(mqtt_port, login, password, [(f"rooms/{room}/newtext", big)])

        def stored() -> list[str]:
            export = subprocess.run([str(BIN / "chatt-memorize"), "--export", "--db", str(data_dir / "chatt.db")],
                                    check=True, capture_output=True, text=True, env=clean_environment()).stdout
            return [m["text"] for m in map(json.loads, export.splitlines()) if m["room"] == room]
        wait_until(lambda: texts[-1] in stored(), timeout=60, what="memorize to store the 200 messages")
        assert stored() == ["in", *texts]
        cs.wait_for(lambda: len(squatter.received) >= 200, "the squatter's copies")
        assert max(len(payload) for _, payload in squatter.received) < 1000, "the big one reached a member"
        squatter.close()

        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 0, log.read_text()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        for pid in parts:
            if alive(pid):
                os.kill(pid, signal.SIGTERM)
        shutil.rmtree(data_dir, ignore_errors=True)


def test_run_sh_hands_the_old_memorize_session_to_memorize():
    """Upgrading a DATA_DIR from before issue 14, when memorize's client id was
    chatt-memorize-<host>: the broker's persistence still holds that session, with what
    was published while memorize was down for the upgrade. run.sh stores those messages
    and ends the session once (it would queue every message for nobody)."""
    data_dir = Path(tempfile.mkdtemp(prefix="chatt-run-sh-"))
    (data_dir / "mosquitto").mkdir()
    old_id = "chatt-memorize-" + re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname().split(".")[0])[:40]
    mqtt_port = free_port()
    conf = data_dir / "old-broker.conf"
    conf.write_text(("user root\n" if os.geteuid() == 0 else "") + "persistence true\n"
                    f"persistence_location {data_dir / 'mosquitto'}/\nlistener {mqtt_port} 127.0.0.1\n"
                    "allow_anonymous true\n")
    broker = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    room = unique("upgrade")
    texts = [f"sent during the upgrade {n}" for n in range(30)]
    try:
        wait_until(lambda: port_open(mqtt_port), what="the old broker")
        old_session = cs.Listener(mqtt_port, None, None, ["rooms/#", "users/#"], client_id=old_id, clean=False)
        old_session.close()
        assert cs.publish_as(mqtt_port, None, None, [
            (f"rooms/{room}/newtext", json.dumps({"author": "ann", "text": t, "id": f"{room}-{n}"}))
            for n, t in enumerate(texts)])
    finally:
        broker.terminate()
        broker.wait(timeout=30)
    assert (data_dir / "mosquitto" / "mosquitto.db").exists()

    http_port, ws_port = free_port(), free_port()
    env = clean_environment(
        PASSPHRASE=PASSPHRASE, HTTP_PORT=str(http_port), MQTT_PORT=str(mqtt_port), WS_PORT=str(ws_port),
        DATA_DIR=str(data_dir), BIND="127.0.0.1", CHATT_BIN_DIR=str(BIN),
        CHATT_ENV_FILE=str(data_dir / "no-such.env"))
    log = data_dir / "run.log"
    parts: dict[int, str] = {}
    with open(log, "wb") as output:
        run = subprocess.Popen([str(ROOT / "run.sh")], env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: "ready:" in log.read_text() or run.poll() is not None, timeout=60, what="run.sh to be ready")
        assert run.poll() is None, log.read_text()
        parts = children(run.pid)
        export = subprocess.run([str(BIN / "chatt-memorize"), "--export", "--db", str(data_dir / "chatt.db")],
                                check=True, capture_output=True, text=True, env=clean_environment()).stdout
        assert [m["text"] for m in map(json.loads, export.splitlines()) if m["room"] == room] == texts
        assert f"ended chatt-memorize's old broker session {old_id}; the 30 messages it held are stored" \
            in log.read_text(), log.read_text()

        # The old session is gone: resuming it finds nothing.
        present: list[bool] = []
        probe = cs.mqtt.Client(cs.mqtt.CallbackAPIVersion.VERSION2, client_id=old_id, clean_session=False)
        probe.username_pw_set("chatt-memorize", (data_dir / "memorize-broker-password").read_text())
        probe.on_connect = lambda _c, _u, flags, _rc, _p: present.append(flags.session_present)
        probe.connect("127.0.0.1", mqtt_port)
        probe.loop_start()
        wait_until(lambda: present, what="the probe's CONNACK")
        probe.disconnect()
        probe.loop_stop()
        assert present == [False]
        assert (data_dir / "mosquitto" / "old-memorize-session-ended").exists()

        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 0, log.read_text()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        for pid in parts:
            if alive(pid):
                os.kill(pid, signal.SIGTERM)
        shutil.rmtree(data_dir, ignore_errors=True)
