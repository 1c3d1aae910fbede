"""Web Push (issue 19) end to end: real pages send messages; chatt-push posts encrypted
pushes to a push endpoint on loopback (this test's own HTTP server), which decrypts each with
the subscription's private key (http_ece, RFC 8291). Exactly the expected notifications
arrive: a mention yes, a plain message in a mentions-only room no, an "all" room yes, a muted
room nothing (not even a mention), the sender's own messages nothing; a 410 answer removes
the subscription. Headless Chromium has no push service: the page's own subscribe runs
against a stubbed pushManager (the rest of its path is real: the permission asked on the
click, the VAPID key from /data/push/key, the POST), the other members subscribe through the
route."""
from __future__ import annotations

import base64
import http.server
import json
import os
import sqlite3
import threading
import urllib.request

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from selenium.webdriver.support.ui import Select

from conftest import running_stack
from harness import BIN, Part, clean_environment, unique, wait_until
from test_page_rooms import create_room


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Member:
    """A browser's push keys, made here so the endpoint can decrypt what it gets."""

    def __init__(self, nick: str, endpoint_base: str):
        self.nick = nick
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = f"{endpoint_base}/push/{nick}"

    @property
    def p256dh(self) -> str:
        return b64url(self.key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def subscription(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)}}

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


class PushEndpoint:
    """A push service on loopback: records every POST, answers 201, or 410 for the nicks in `gone`."""

    def __init__(self):
        self.received: list[tuple[str, dict, bytes]] = []
        self.gone: set[str] = set()
        self.lock = threading.Lock()
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                nick = self.path.rsplit("/", 1)[-1]
                with endpoint.lock:
                    endpoint.received.append((nick, dict(self.headers.items()), body))
                    status = 410 if nick in endpoint.gone else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def got(self) -> list[tuple[str, dict, bytes]]:
        with self.lock:
            return list(self.received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Push(Part):
    def __init__(self, stack):
        super().__init__("chatt-push", stack.workdir)
        self.stack = stack

    def start(self) -> None:
        self.spawn([str(BIN / "chatt-push"), "--broker", self.stack.broker.url(), "--db", str(self.stack.db),
                    "--push-allow-loopback"], env=clean_environment(LOG_LEVEL="debug"))
        self.wait_for(lambda: "subscribed" in self.output(tail=100_000), "did not subscribe")


@pytest.fixture(scope="module")
def push_chat(request):
    yield from running_stack(request, None, server_args=("--push-allow-loopback",))


def post(url: str, body: dict, method: str = "POST") -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def subscriptions(db) -> dict[str, str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return dict(connection.execute("SELECT endpoint, nick FROM push_subscription"))


def room_choices(db) -> set[tuple[str, str, str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return set(connection.execute("SELECT endpoint, room, mode FROM push_room"))


STUB = """
const [subscription] = arguments;
let current = null;
const fake = { endpoint: subscription.endpoint, toJSON: () => subscription, unsubscribe: async () => { current = null; return true; } };
const registration = { pushManager: {
  getSubscription: async () => current,
  subscribe: async (options) => {
    window.chattPushOptions = { userVisibleOnly: options.userVisibleOnly, keyBytes: options.applicationServerKey.length };
    current = fake;
    return fake;
  },
} };
Object.defineProperty(navigator.serviceWorker, 'ready', { configurable: true, get: () => Promise.resolve(registration) });
window.chattAskedPermission = 0;
Notification.requestPermission = async () => { window.chattAskedPermission += 1; return 'granted'; };
"""


def test_exactly_the_expected_pushes_arrive(push_chat, browsers):
    stack = push_chat
    endpoint = PushEndpoint()
    push = Push(stack)
    try:
        push.start()
        url = stack.server.url
        ann_nick, bob_nick, eve_nick = unique("ann"), unique("bob"), unique("eve")
        ann, bob, eve = (Member(n, endpoint.base) for n in (ann_nick, bob_nick, eve_nick))
        key = stack.get_json("data/push/key")["publicKey"]

        # bob wants every message of main; eve too, but she only sends: her own are never pushed.
        assert post(url + "data/push/subscriptions", {"subscription": bob.subscription(), "nick": bob_nick, "rooms": {"main": "all"}}) == 201
        assert post(url + "data/push/subscriptions", {"subscription": eve.subscription(), "nick": eve_nick, "rooms": {"main": "all"}}) == 201

        eve_page = browsers("eve").open(url).join(eve_nick)
        dev = unique("dev")
        create_room(eve_page, dev)
        eve_page.wait(lambda d: eve_page.element("room_title").text == dev, "eve in the new room")
        eve_page.select_room("main")

        # ann subscribes from her page: nothing is asked at join, the click asks.
        ann_page = browsers("ann").open(url).join(ann_nick)
        ann_page.driver.execute_script(STUB, ann.subscription())
        assert ann_page.driver.execute_script("return window.chattAskedPermission") == 0
        ann_page.element("push_toggle").click()
        ann_page.wait(lambda d: ann_page.element("push_toggle").get_attribute("aria-pressed") == "true", "the subscription")
        assert ann_page.driver.execute_script("return window.chattAskedPermission") == 1
        assert ann_page.driver.execute_script("return window.chattPushOptions") == {"userVisibleOnly": True, "keyBytes": 65}
        assert subscriptions(stack.db).get(ann.endpoint) == ann_nick
        # ... and mutes the dev room from its bar: the choice goes to the server with the subscription.
        ann_page.wait(lambda d: dev in ann_page.rooms(), "the dev room in ann's list")
        ann_page.select_room(dev)
        assert Select(ann_page.element("room_notify")).first_selected_option.get_attribute("value") == "mentions"
        Select(ann_page.element("room_notify")).select_by_value("none")
        wait_until(lambda: (ann.endpoint, dev, "none") in room_choices(stack.db), what="ann's choice for dev on the server")

        eve_page.send("plain hello")                         # bob (all)
        eve_page.send(f"@{ann_nick} look here")              # ann (mention), bob (all)
        eve_page.send(f"@{eve_nick} a note to myself")       # bob; never eve herself
        eve_page.select_room(dev)
        eve_page.send(f"@{ann_nick} in the muted room")      # nobody: ann muted dev, bob is mentions-only there
        eve_page.send("plain in dev")                        # nobody
        eve_page.select_room("main")
        eve_page.send("end marker")                          # bob

        members = {m.nick: m for m in (ann, bob, eve)}

        def decrypted() -> list[tuple[str, str]]:
            # (bot's greetings of the newcomers are messages in main too: bob hears them, ann her own
            # welcome, a mention; they are not this test's messages.)
            shown = [(nick, members[nick].decrypt(body)) for nick, _, body in endpoint.got()]
            return [(nick, push["body"]) for nick, push in shown if push.get("from") != "bot"]
        wait_until(lambda: (bob_nick, "end marker") in decrypted(), what="bob's push of the end marker")
        wait_until(lambda: (ann_nick, f"@{ann_nick} look here") in decrypted(), what="ann's mention")
        assert sorted(decrypted()) == sorted([
            (bob_nick, "plain hello"), (ann_nick, f"@{ann_nick} look here"), (bob_nick, f"@{ann_nick} look here"),
            (bob_nick, f"@{eve_nick} a note to myself"), (bob_nick, "end marker"),
        ])
        for nick, headers, body in endpoint.got():
            headers = {k.lower(): v for k, v in headers.items()}
            assert headers["content-encoding"] == "aes128gcm"
            assert headers["ttl"] == "86400" and headers["urgency"] in ("normal", "high")
            assert headers["authorization"].startswith("vapid t=") and headers["authorization"].endswith(f", k={key}")
            shown = members[nick].decrypt(body)
            assert set(shown) >= {"title", "body", "room", "url"}

        # bob's push service says his subscription is gone: chatt-push deletes it.
        with endpoint.lock:
            endpoint.gone.add(bob_nick)
        eve_page.send("after bob left")
        wait_until(lambda: bob.endpoint not in subscriptions(stack.db), what="bob's subscription deleted after the 410")
        assert "push subscription gone: deleted" in push.output(tail=100_000)

        # ann clicks again: unsubscribed, and the server forgets her endpoint.
        ann_page.element("push_toggle").click()
        ann_page.wait(lambda d: ann_page.element("push_toggle").get_attribute("aria-pressed") == "false", "the unsubscription")
        wait_until(lambda: ann.endpoint not in subscriptions(stack.db), what="ann's subscription deleted")

        # A notification's click opens the page on its room (url "./?room=<room>", sw.js).
        opened = browsers("opened").open(f"{url}?room={dev}").join(unique("cat"))
        opened.wait(lambda d: opened.element("room_title").text == dev, "the page opened on the notification's room")
        assert "room=" not in opened.driver.current_url
    finally:
        push.stop()
        endpoint.close()
