"""The original page on a protected chat (issue 23): it fetches /data/lastinfo without
credentials. A 401 with a `WWW-Authenticate: Basic` challenge made the browser open its
own sign-in dialog over the page, the request stayed pending and typed keys never reached
the page. Now the 401 carries no Basic challenge: the page gets its answer at once and
keeps working (live chat, without history).

The "original page" here is a few lines in a web root of the test's own that do what the
original did at start: an XMLHttpRequest to /data/lastinfo without credentials, then wait
for input. chatt-server serves it, protected."""
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from harness import BIN, Part, clean_environment, free_port, genpass

ORIGINAL_INDEX = """<!doctype html>
<html><head><title>ChaTT</title>
<script type="module" src="static/original.js"></script>
</head><body><div id="all_texts"></div><input id="input_text"></body></html>
"""

# What the original's page did first: load the history the way it always had, with no
# Authorization header (it had no passphrase then), and record what came back.
ORIGINAL_SCRIPT = """
window.__lastinfo = 'pending';
const request = new XMLHttpRequest();
request.open('GET', '/data/lastinfo');
request.onload = () => { window.__lastinfo = request.status; };
request.onerror = () => { window.__lastinfo = 'error'; };
request.send();
"""


@pytest.fixture
def original_protected_server():
    workdir = Path(tempfile.mkdtemp(prefix="chatt-e2e-original-"))
    (workdir / "web" / "static").mkdir(parents=True)
    (workdir / "web" / "index.html").write_text(ORIGINAL_INDEX)
    (workdir / "web" / "static" / "original.js").write_text(ORIGINAL_SCRIPT)
    login, password = genpass("original page passphrase")
    server = Part("chatt-server", workdir)
    port = free_port()
    server.spawn([str(BIN / "chatt-server"), "--db", str(workdir / "chatt.db"), "--bind", "127.0.0.1",
                  "--port", str(port), "--web-root", str(workdir / "web")],
                 env=clean_environment(CHATT_USER=login, CHATT_PASS=password))
    try:
        server.wait_port(port)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_a_request_without_credentials_gets_401_without_a_basic_challenge(original_protected_server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(original_protected_server + "data/lastinfo", timeout=10)
    assert refused.value.code == 401
    challenges = refused.value.headers.get_all("WWW-Authenticate") or []
    assert not [c for c in challenges if "basic" in c.lower()], challenges
    assert "Authorization: Basic" in refused.value.read().decode()


def test_the_original_page_gets_its_answer_and_keeps_taking_input(original_protected_server, browsers):
    page = browsers("original").open(original_protected_server)
    # The request ends (401) instead of staying pending behind a sign-in dialog.
    page.wait(lambda d: d.execute_script("return window.__lastinfo") == 401, "the 401 of /data/lastinfo")
    box = page.element("input_text")
    box.click()
    box.send_keys("still typing")
    page.wait(lambda d: box.get_attribute("value") == "still typing", "the typed text in the input")
