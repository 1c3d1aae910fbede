"""Issue 16, "Compatibility": amqtt as well as mosquitto. The whole stack (chatt-memorize
--subscribe, chatt-server, a v2 page in Chromium) on amqtt with sample_configs/amqtt.yaml
(its password file and topic ACL, passphrase "plop"): an original-style client (payload
`{"author","text"}` only) and the page chat both ways; the page's v2 events (edit, react,
delete, and its retained presence) pass through amqtt, reach another page, and are stored
by memorize (the history shows them)."""
import json
import os
import signal
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import configs_support as cs
from conftest import running_stack
from harness import Part, free_port, unique
from test_page_conversation import hover_action, message_id, presence_of, shown


class AmqttBroker(Part):
    """amqtt in the place of the harness's mosquitto: sample_configs/amqtt.yaml on free
    loopback ports (TCP for memorize and the original-style client, WebSocket for pages)."""

    def __init__(self, workdir: Path, credentials: tuple[str, str] | None):
        super().__init__("amqtt", workdir, stop_signal=signal.SIGINT)  # SIGINT: a clean stop
        self.workdir = workdir
        self.port = free_port()
        self.ws_port = free_port()
        self.credentials = credentials

    def start(self) -> None:
        config = cs.amqtt_config(self.workdir, self.port, self.ws_port)
        self.spawn([*cs.amqtt_command(), "-c", str(config)], env={**os.environ, "PYTHONWARNINGS": "ignore"},
                   new_session=True)
        self.wait_port(self.port)
        self.wait_port(self.ws_port)

    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"


@pytest.fixture
def amqtt_chat(request):
    """A chat protected by "plop" (the sample amqtt.passwords) whose broker is amqtt."""
    def use_amqtt(stack):
        stack.broker = AmqttBroker(stack.workdir, stack.credentials)
        stack.memorize.broker = stack.broker
        stack.server.broker = stack.broker
    yield from running_stack(request, cs.PASSPHRASE, configure=use_amqtt)


def history_entry(chat, room: str, message_id_: str):
    """The message's entry in the room's stored history (`/data/rooms/<room>/messages`)."""
    page = chat.get_json(f"data/rooms/{room}/messages")
    return next((entry for entry in page.get("messages", []) if len(entry) > 3 and entry[3] == message_id_), None)


def test_a_v2_page_and_an_original_client_chat_through_amqtt(amqtt_chat, browsers):
    room = unique("amqtt")
    alice_nick, bob_nick = unique("alice"), unique("bob")
    alice = browsers("alice").open(amqtt_chat.server.url).join(alice_nick, cs.PASSPHRASE)
    alice.element("new_room_name").send_keys(room, Keys.ENTER)
    alice.wait(lambda d: alice.element("room_title").text == room, "alice in the new room")

    # The original-style client: subscribes to rooms/# over TCP and publishes {"author","text"}.
    old = amqtt_chat.mqtt_client()
    received, subscribed = [], []
    old.on_message = lambda client, userdata, message: received.append((message.topic, message.payload.decode()))
    old.on_subscribe = lambda *args: subscribed.append(True)
    old.subscribe("rooms/#", qos=1)
    alice.wait(lambda d: subscribed, "the original client's subscription")
    try:
        amqtt_chat.publish([(f"rooms/{room}/newtext", '{"author":"oldie","text":"hello via amqtt :)"}')])
        alice.wait(lambda d: any(m["author"] == "oldie" and m["text"] == "hello via amqtt :)"
                                 for m in alice.messages(room) or []), "the original client's message in the page")

        alice.send("**first** thing")
        alice.wait(lambda d: any(t == f"rooms/{room}/newtext" and json.loads(p).get("text") == "**first** thing"
                                 for t, p in received), "the page's message at the original client")
        payload = next(json.loads(p) for t, p in received if t == f"rooms/{room}/newtext" and "**first**" in p)
        assert payload["author"] == alice_nick and payload["text"] == "**first** thing"  # plain text as typed
        original_id = message_id(alice, "first thing")

        # A second page: alice's retained presence reaches it through amqtt.
        bob = browsers("bob").open(amqtt_chat.server.url).join(bob_nick, cs.PASSPHRASE)
        bob.wait(lambda d: room in bob.rooms(), "the room in bob's list")
        bob.select_room(room)
        bob.wait(lambda d: presence_of(bob, alice_nick) == "online", "alice online at bob (retained presence)")
        alice.send("second thing")
        bob.wait_text(room, "second thing")
        second_id = message_id(alice, "second thing")

        # Edit own (↑ in the empty input edits the last own message), react, delete: live at bob.
        alice.element("input_text").click()
        alice.element("input_text").send_keys(Keys.ARROW_UP)
        alice.wait(lambda d: alice.element("input_text").get_attribute("value") == "second thing",
                   "the text to edit in the input")
        alice.element("input_text").send_keys(Keys.BACKSPACE * len("thing"), "idea", Keys.ENTER)
        bob.wait(lambda d: (shown(bob, second_id) or {}).get("text") == "second idea", "the edit at bob")
        hover_action(bob, "second idea", "react")
        bob.wait(lambda d: bob.driver.find_element(By.CSS_SELECTOR, '.react-picker button[data-emoji="👍"]'),
                 "the picker").click()
        alice.wait(lambda d: (shown(alice, second_id) or {}).get("reactions") == {"👍": 1}, "bob's reaction at alice")
        hover_action(alice, "first thing", "remove")
        alice.wait(lambda d: alice.driver.find_element(By.CSS_SELECTOR, ".confirm-delete").is_displayed(), "the confirm")
        alice.driver.find_element(By.CSS_SELECTOR, '.confirm-delete [data-action="confirm-remove"]').click()
        bob.wait(lambda d: (shown(bob, original_id) or {}).get("deleted"), "the tombstone at bob")

        # The original-style client saw the v2 events' topics go by and ignores them; memorize stored them all.
        for verb in ("edit", "react", "delete"):
            alice.wait(lambda d: any(t == f"rooms/{room}/{verb}" for t, _ in received), f"{verb} at the original client")

        def stored(_driver=None):
            edited, deleted = history_entry(amqtt_chat, room, second_id), history_entry(amqtt_chat, room, original_id)
            return (edited is not None and deleted is not None and len(edited) > 5 and len(deleted) > 5
                    and edited[1] == "second idea" and "edited" in edited[5] and edited[5].get("reactions")
                    and deleted[5].get("deleted") is True and "first" not in (deleted[1] or ""))
        alice.wait(stored, "memorize to store the edit, the reaction and the delete")
        edited = history_entry(amqtt_chat, room, second_id)
        assert edited[5]["reactions"] == {"👍": [bob_nick]}, edited
        alice.wait(lambda d: alice_nick in amqtt_chat.lastinfo()["users"] and bob_nick in amqtt_chat.lastinfo()["users"],
                   "both pages online in memorize's list (presence)")
        assert alice.pwned() is None and bob.pwned() is None
    finally:
        old.loop_stop()
        old.disconnect()
