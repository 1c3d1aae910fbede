"""./run.sh end to end (issue 8): it starts mosquitto, chatt-memorize and chatt-server
with a passphrase; two pages chat through it; the message is in the history API and in
memorize's database; SIGTERM stops all three. CHATT_BIN_DIR points run.sh at the debug
build so that it skips its (slow) release build."""
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import urllib.request
from pathlib import Path

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
