"""./run.sh end to end (issue 8): it starts mosquitto, chatt-memorize and chatt-server
with a passphrase; two pages chat through it; the message is in the history API and in
memorize's database; SIGTERM stops all three. CHATT_BIN_DIR points run.sh at the debug
build so that it skips its (slow) release build.

The passphrase scheme: a new DATA_DIR gets a salt and the strong scheme; CHATT_SCHEME=legacy
keeps the legacy pair; a DATA_DIR with history but no salt stays legacy; the choice is
remembered in DATA_DIR."""
import base64
import contextlib
import dataclasses
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import urllib.error
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


def page_html(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def lastinfo_status(url: str, pair: tuple[str, str]) -> int:
    request = urllib.request.Request(url + "data/lastinfo", headers={
        "Authorization": "Basic " + base64.b64encode(f"{pair[0]}:{pair[1]}".encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@dataclasses.dataclass
class RunningChat:
    """What a test needs of a running ./run.sh."""
    url: str
    log: Path
    http_port: int
    mqtt_port: int
    ws_port: int
    pid: int
    parts: dict[int, str]  # pid -> name of what run.sh started


@contextlib.contextmanager
def run_sh(data_dir: Path, passphrase: str = PASSPHRASE, mqtt_port: int | None = None, **settings: str):
    """./run.sh on free ports with DATA_DIR and `settings`; yields a RunningChat once it is
    ready; stops it with SIGTERM, expecting exit 0 (and kills only what it started, by pid,
    if it hangs)."""
    http_port, ws_port = free_port(), free_port()
    mqtt_port = mqtt_port or free_port()
    env = clean_environment(
        PASSPHRASE=passphrase, HTTP_PORT=str(http_port), MQTT_PORT=str(mqtt_port), WS_PORT=str(ws_port),
        DATA_DIR=str(data_dir), BIND="127.0.0.1", CHATT_BIN_DIR=str(BIN),
        CHATT_ENV_FILE=str(data_dir / "no-such.env"), **settings)
    log = data_dir / f"run-{http_port}.log"
    parts: dict[int, str] = {}
    with open(log, "wb") as output:
        run = subprocess.Popen([str(ROOT / "run.sh")], env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: "ready:" in log.read_text() or run.poll() is not None, timeout=60, what="run.sh to be ready")
        assert run.poll() is None, log.read_text()
        parts = children(run.pid)
        yield RunningChat(f"http://127.0.0.1:{http_port}/", log, http_port, mqtt_port, ws_port, run.pid, parts)
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 0, log.read_text()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        for pid in parts:  # only what run.sh started, by pid
            if alive(pid):
                os.kill(pid, signal.SIGTERM)


def test_run_sh_legacy_scheme_when_asked(browsers):
    """CHATT_SCHEME=legacy: the original's pair, no salt; a page joins with the passphrase;
    the choice is remembered, so the next run without CHATT_SCHEME keeps it."""
    data_dir = Path(tempfile.mkdtemp(prefix="chatt-run-sh-legacy-"))
    try:
        with run_sh(data_dir, CHATT_SCHEME="legacy") as chat:
            url = chat.url
            assert '<meta name="chatt-scheme" content="legacy">' in page_html(url)
            assert not (data_dir / "scheme-salt").exists()
            login, password = genpass(PASSPHRASE)
            assert lastinfo_status(url, (login, password)) == 200
            page = browsers("legacy").open(url).join(unique("ann"), PASSPHRASE)
            assert page.driver.title == "ChaTT"
            page.send("a legacy chat")
        assert (data_dir / "scheme").read_text().strip() == "legacy"
        with run_sh(data_dir) as chat:
            url = chat.url
            assert '<meta name="chatt-scheme" content="legacy">' in page_html(url)
            assert lastinfo_status(url, genpass(PASSPHRASE)) == 200
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_run_sh_keeps_an_existing_chat_legacy_and_a_strong_chat_its_salt():
    """A DATA_DIR with history from before the strong scheme (chatt.db, no salt) stays
    legacy and says so; a strong chat keeps its salt (and so its pair) across runs."""
    old = Path(tempfile.mkdtemp(prefix="chatt-run-sh-old-"))
    new = Path(tempfile.mkdtemp(prefix="chatt-run-sh-new-"))
    try:
        # chatt.db as an earlier version left it: made by chatt-memorize.
        subprocess.run([str(BIN / "chatt-memorize"), "--export", "--db", str(old / "chatt.db")],
                       check=True, capture_output=True, env=clean_environment())
        with run_sh(old) as chat:
            url, log = chat.url, chat.log
            assert "keeping the legacy passphrase scheme" in log.read_text()
            assert lastinfo_status(url, genpass(PASSPHRASE)) == 200
        assert (old / "scheme").read_text().strip() == "legacy" and not (old / "scheme-salt").exists()

        with run_sh(new) as chat:
            url = chat.url
            salt = (new / "scheme-salt").read_text().strip()
            assert lastinfo_status(url, genpass(PASSPHRASE, salt)) == 200
            assert lastinfo_status(url, genpass(PASSPHRASE)) == 401
        with run_sh(new) as chat:
            url = chat.url
            assert (new / "scheme-salt").read_text().strip() == salt
            assert lastinfo_status(url, genpass(PASSPHRASE, salt)) == 200
    finally:
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(new, ignore_errors=True)


def test_run_sh_runs_the_chat_and_stops_everything_on_sigterm(browsers):
    data_dir = Path(tempfile.mkdtemp(prefix="chatt-run-sh-"))
    try:
        with run_sh(data_dir) as chat:
            parts, url = chat.parts, chat.url
            # (run.sh's supervisor also has its one-second `sleep` now and then.)
            assert sorted(name for name in parts.values() if name != "sleep") == [
                "chatt-memorize", "chatt-push", "chatt-server", "mosquitto"], parts
            # chatt-push (Web Push) runs beside memorize with memorize's broker account.
            assert "chatt-push runs: Web Push notifications on" in chat.log.read_text()
            assert port_open(chat.ws_port) and port_open(chat.mqtt_port)

            ann_nick, bob_nick = unique("ann"), unique("bob")
            ann = browsers("ann").open(url).join(ann_nick, PASSPHRASE)
            bob = browsers("bob").open(url).join(bob_nick, PASSPHRASE)
            # A new DATA_DIR: the strong scheme, with a salt made once and kept private.
            salt_file = data_dir / "scheme-salt"
            assert (data_dir / "scheme").read_text().strip() == "strong"
            assert salt_file.stat().st_mode & 0o777 == 0o600
            salt = salt_file.read_text().strip()
            assert len(salt) == 22 and len(base64.urlsafe_b64decode(salt + "==")) == 16
            login, password = genpass(PASSPHRASE, salt)
            assert login.startswith("c2-")
            assert ann.driver.title == "ChaTT"
            assert f'<meta name="chatt-scheme-salt" content="{salt}">' in page_html(url)
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
        # Leaving the block stopped run.sh with SIGTERM (exit 0): everything it started is gone.
        wait_until(lambda: not any(alive(pid) for pid in parts), what="mosquitto, chatt-memorize, chatt-push and chatt-server to stop")
        assert not any(port_open(port) for port in (chat.http_port, chat.mqtt_port, chat.ws_port))
    finally:
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
    try:
        with run_sh(data_dir, passphrase=passphrase) as chat:
            http_port, mqtt_port, ws_port, parts, log = chat.http_port, chat.mqtt_port, chat.ws_port, chat.parts, chat.log
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
                # A new chat: the strong scheme, with the salt run.sh made.
                login, password = genpass(passphrase, (data_dir / "scheme-salt").read_text().strip())
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
    finally:
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

    try:
        with run_sh(data_dir, mqtt_port=mqtt_port) as chat:
            log = chat.log
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
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_run_sh_starts_again_a_part_that_stops():
    """Issue 18: run.sh supervises. mosquitto or chatt-memorize killed: run.sh starts it
    again and the chat goes on (a message sent after is stored); the page still loads while
    the broker is down; SIGTERM still stops everything."""
    data_dir = Path(tempfile.mkdtemp(prefix="chatt-run-sh-"))
    try:
        with run_sh(data_dir, passphrase="") as chat:
            by_name = {name: pid for pid, name in chat.parts.items()}
            os.kill(by_name["mosquitto"], signal.SIGKILL)
            # The page is the server's: it loads while the broker is down.
            with urllib.request.urlopen(chat.url, timeout=10) as response:
                assert response.status == 200
            os.kill(by_name["chatt-memorize"], signal.SIGKILL)

            def restarted() -> dict[str, int]:
                now = {name: pid for pid, name in children(chat.pid).items()}
                return now if all(now.get(n) not in (None, by_name[n]) for n in ("mosquitto", "chatt-memorize")) else {}
            try:
                again = wait_until(restarted, timeout=30, what="run.sh to start mosquitto and chatt-memorize again")
            except AssertionError as error:
                raise AssertionError(f"{error}; parts now {children(chat.pid)}; run.sh said:\n{chat.log.read_text()}")
            assert again["chatt-server"] == by_name["chatt-server"]
            wait_until(lambda: port_open(chat.mqtt_port), what="the broker's port again")
            log = chat.log.read_text()
            assert "mosquitto stopped" in log and "memorize stopped" in log, log

            room = unique("again")
            message = json.dumps({"author": "ann", "text": "after the restart", "id": f"{room}-1"})

            def stored() -> bool:
                cs.publish_as(chat.mqtt_port, None, None, [(f"rooms/{room}/newtext", message)])
                export = subprocess.run([str(BIN / "chatt-memorize"), "--export", "--db", str(data_dir / "chatt.db")],
                                        check=True, capture_output=True, text=True, env=clean_environment()).stdout
                return any(m["room"] == room for m in map(json.loads, export.splitlines()))
            wait_until(stored, timeout=60, interval=1, what="a message sent after the restarts to be stored")
            parts = children(chat.pid)
        wait_until(lambda: not any(alive(pid) for pid in parts), what="everything to stop on SIGTERM")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_run_sh_passes_ws_endpoints_to_the_page():
    """WS_ENDPOINTS (issue 20): the page gets the list, in order, in its chatt-ws-endpoints
    tag; WS_PORT still makes the single endpoint's tags."""
    data_dir = Path(tempfile.mkdtemp(prefix="chatt-run-sh-endpoints-"))
    try:
        with run_sh(data_dir, WS_ENDPOINTS="ws://127.0.0.1:9101/,wss://b.example/mqtt") as chat:
            html = page_html(chat.url)
            assert ('<meta name="chatt-ws-endpoints" content="[&quot;ws://127.0.0.1:9101/&quot;,'
                    '&quot;wss://b.example/mqtt&quot;]">') in html
            assert f'<meta name="chatt-broker-port" content="{chat.ws_port}">' in html
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
