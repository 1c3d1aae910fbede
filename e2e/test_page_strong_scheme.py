"""The strong passphrase scheme in the real page (SPEC.md, "The strong scheme"): a chat
whose server names `chatt-scheme` = strong and its salt; the broker and the server know
only the strong pair. Chromium joins with the passphrase over WebCrypto (127.0.0.1 is a
secure context) and, by a host name that is not, with the page's own PBKDF2."""
import base64
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import paho.mqtt.client as paho
import pytest

from harness import Stack, genpass, unique, wait_until

PASSPHRASE = "strong e2e pässphrase 🔑"
LAN_HOST = "chatt-lan.test"  # resolves to 127.0.0.1 in these browsers only

# Every status text the page shows, recorded before the join button is pressed.
RECORD_STATUS = """
window.__statuses = [];
new MutationObserver(() => window.__statuses.push(document.getElementById('status').textContent))
  .observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true });
"""


@pytest.fixture(scope="module")
def strong_chat(request):
    workdir = Path(tempfile.mkdtemp(prefix="chatt-e2e-strong-"))
    salt = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
    stack = Stack(workdir, PASSPHRASE, salt=salt)
    failed_before = request.session.testsfailed
    try:
        stack.start()
        yield stack, salt
    finally:
        stack.stop()
        if request.session.testsfailed > failed_before:
            print(f"\n{stack.logs()}")
        shutil.rmtree(workdir, ignore_errors=True)


def meta(page, name: str) -> str | None:
    return page.driver.execute_script(
        "const m = document.querySelector(`meta[name='${arguments[0]}']`); return m && m.content;", name)


def refused_by_broker(stack: Stack, pair: tuple[str, str]) -> bool:
    """Whether mosquitto refuses an MQTT login with `pair` (CONNACK not accepted)."""
    result: list[bool] = []
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=unique("probe"))
    client.username_pw_set(*pair)
    client.on_connect = lambda c, u, flags, reason, props: result.append(reason.is_failure)
    client.connect("127.0.0.1", stack.broker.port)
    client.loop_start()
    try:
        wait_until(lambda: result, what="the broker's answer")
    finally:
        client.loop_stop()
        client.disconnect()
    return result[0]


def test_a_page_joins_a_strong_chat_with_the_passphrase(strong_chat, browsers):
    stack, salt = strong_chat
    login, password = stack.credentials
    assert login.startswith("c2-") and (login, password) == genpass(PASSPHRASE, salt)
    # Only the strong pair gets in: the legacy pair of the same passphrase does not.
    assert refused_by_broker(stack, genpass(PASSPHRASE))
    assert not refused_by_broker(stack, (login, password))
    with pytest.raises(urllib.error.HTTPError) as refused:
        stack.get_json("data/lastinfo", credentials=genpass(PASSPHRASE))
    assert refused.value.code == 401

    ann = browsers("ann").open(stack.server.url)
    assert meta(ann, "chatt-scheme") == "strong" and meta(ann, "chatt-scheme-salt") == salt
    assert ann.driver.execute_script("return window.isSecureContext && !!crypto.subtle")
    ann.join(unique("ann"), PASSPHRASE, wait=False)
    ann.wait_joined(timeout=60)
    assert ann.driver.title == "ChaTT"  # the chat, not characters of the login
    bob = browsers("bob").open(stack.server.url).join(unique("bob"), PASSPHRASE, wait=False)
    bob.wait_joined(timeout=60)
    text = unique("over the strong pair")
    ann.send(text)
    bob.wait_text("main", text)
    wait_until(lambda: stack.stored("main", text), what="the message in the history")

    # A wrong passphrase is refused, as in a legacy chat.
    eve = browsers("eve").open(stack.server.url)
    eve.join(unique("eve"), "not the passphrase", wait=False)
    eve.wait(lambda d: "refused" in eve.status(), "the refusal", timeout=60)
    assert eve.element("join_form").is_displayed()


def test_a_page_on_plain_http_derives_the_pair_with_its_own_pbkdf2(strong_chat, browsers):
    stack, _ = strong_chat
    url = stack.server.url.replace("127.0.0.1", LAN_HOST)
    page = browsers("lan", host_names=(LAN_HOST,)).open(url)
    assert page.driver.execute_script("return [window.isSecureContext, typeof crypto.subtle]") == [False, "undefined"]
    page.driver.execute_script(RECORD_STATUS)
    page.join(unique("lan"), PASSPHRASE, wait=False)
    # 600,000 iterations in JavaScript: seconds on this shared machine.
    page.wait_joined(timeout=120)
    statuses = page.driver.execute_script("return window.__statuses")
    assert "Deriving the login from the passphrase…" in statuses, statuses
    text = unique("from plain http")
    page.send(text)
    wait_until(lambda: stack.stored("main", text), what="the message in the history")
