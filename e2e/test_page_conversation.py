"""Protocol v2 in two real pages (issue 16): reply, edit, delete, react, typing, presence
dots, Markdown, all by mouse and by keyboard, live over MQTT; events from others that the
rules refuse (not the author), that come before their target, or twice; and an
original-style client (mosquitto_pub / a plain subscriber) chatting with a v2 page."""
import json
import subprocess
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import ROOT, newtext, unique


def mosquitto_pub(chat, topic: str, payload: str) -> None:
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(chat.broker.port), "-q", "1",
                    "-t", topic, "-m", payload], check=True, timeout=15)


def js(browser, script: str, *args):
    return browser.driver.execute_script(script, *args)


def message_node(browser, text: str):
    """The .msg element whose text starts with `text` (in the current room)."""
    for node in browser.driver.find_elements(By.CSS_SELECTOR, "#all_texts .log:not([hidden]) .msg"):
        if node.find_element(By.CSS_SELECTOR, ".text").text.startswith(text):
            return node
    return None


def message_id(browser, text: str) -> str:
    node = browser.wait(lambda d: message_node(browser, text), f"message {text!r}")
    return node.get_attribute("data-id")


def hover_action(browser, text: str, action: str) -> None:
    node = browser.wait(lambda d: message_node(browser, text), f"message {text!r}")
    ActionChains(browser.driver).move_to_element(node).perform()
    button = browser.wait(lambda d: node.find_element(By.CSS_SELECTOR, f'.msg-actions [data-action="{action}"]'),
                          f"the {action} button on {text!r}")
    button.click()


def reactions(browser, text: str) -> dict:
    return js(browser, """
      const node = [...document.querySelectorAll('#all_texts .msg')].find((m) => m.dataset.id === arguments[0]);
      if (!node) return null;
      return Object.fromEntries([...node.querySelectorAll('.reaction')].map((c) => [c.dataset.emoji,
        [Number(c.querySelector('.count').textContent), c.title]]));
    """, message_id(browser, text))


def shown(browser, message_id_: str) -> dict | None:
    return js(browser, """
      const node = [...document.querySelectorAll('#all_texts .msg')].find((m) => m.dataset.id === arguments[0]);
      if (!node) return null;
      return { text: node.querySelector('.text').textContent, edited: !!node.querySelector('.edited'),
               deleted: node.classList.contains('deleted'),
               quote: node.querySelector('.reply-quote')?.textContent ?? null,
               reactions: Object.fromEntries([...node.querySelectorAll('.reaction')].map((c) =>
                 [c.dataset.emoji, Number(c.querySelector('.count').textContent)])) };
    """, message_id_)


def presence_of(browser, nick: str):
    return js(browser, """
      const b = document.querySelector(`#all_nicks button[data-nick="${CSS.escape(arguments[0])}"]`);
      return b ? b.parentElement.dataset.presence ?? null : null;""", nick)


# The page's WebSockets, recorded so a test can cut them (no MQTT DISCONNECT: the broker
# sends the will), and then pointed at a dead port so the page cannot come back.
CUTTABLE_SOCKETS = """
window.__chattTestSockets = [];
window.WebSocket = class extends window.WebSocket {
  constructor(url, protocols) {
    super(window.__chattCutOff ? 'ws://127.0.0.1:9/' : url, protocols);
    window.__chattTestSockets.push(this);
  }
};
"""


def test_reply_edit_react_delete_and_markdown_between_two_pages(open_chat, browsers):
    alice_nick, bob_nick = unique("alice"), unique("bob")
    alice = browsers("alice").open(open_chat.server.url).join(alice_nick)
    bob = browsers("bob").open(open_chat.server.url).join(bob_nick)
    room = unique("conv")
    alice.element("new_room_name").send_keys(room)
    alice.element("new_room").click()
    alice.wait(lambda d: alice.element("room_title").text == room, "alice in the new room")
    bob.wait(lambda d: room in bob.rooms(), "the room in bob's list")
    bob.select_room(room)

    # Markdown, typed with Shift+Enter for new lines.
    box = alice.element("input_text")
    box.send_keys("the **plan**:")
    for line in ["```py", "print('hi')  # kept", "```", "- one", "- *two*", "> quoted `x`"]:
        box.send_keys(Keys.SHIFT, Keys.ENTER)
        box.send_keys(line)
    box.send_keys(Keys.ENTER)
    bob.wait(lambda d: message_node(bob, "the plan"), "the Markdown message at bob")
    rendered = js(bob, """
      const t = [...document.querySelectorAll('#all_texts .msg')].pop().querySelector('.text');
      return { strong: t.querySelector('strong')?.textContent, lang: t.querySelector('pre.md-code')?.dataset.lang,
               code: t.querySelector('pre code')?.textContent, items: [...t.querySelectorAll('ul li')].map((l) => l.innerHTML),
               quote: t.querySelector('blockquote')?.textContent, copy: !!t.querySelector('pre button.md-copy'),
               white: getComputedStyle(t.querySelector('pre code')).whiteSpace,
               scroll: getComputedStyle(t.querySelector('pre')).overflowX };""")
    assert rendered == {"strong": "plan", "lang": "py", "code": "print('hi')  # kept", "items": ["one", "<em>two</em>"],
                        "quote": "quoted x", "copy": False, "white": "pre", "scroll": "auto"}, rendered
    # The block's Copy button is made when the focus (or the pointer) comes to the block:
    # by keyboard, Tab reaches the block, then the button.
    copy = js(bob, """
      const pre = [...document.querySelectorAll('#all_texts .msg')].pop().querySelector('pre.md-code');
      const before = !!pre.querySelector('.md-copy');
      pre.focus();
      const button = pre.querySelector('.md-copy');
      return { before, after: !!button, label: getComputedStyle(pre, '::before').content,
               next: button && button.compareDocumentPosition(pre) === Node.DOCUMENT_POSITION_CONTAINS + Node.DOCUMENT_POSITION_PRECEDING };""")
    assert copy == {"before": False, "after": True, "label": '"py"', "next": True}, copy
    # The copy button puts the code, whitespace and all, on the clipboard.
    bob.driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": open_chat.server.url.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    bob.driver.find_element(By.CSS_SELECTOR, "#all_texts .msg:last-child pre .md-copy").click()
    bob.wait(lambda d: bob.driver.find_element(By.CSS_SELECTOR, "#all_texts .msg:last-child pre .md-copy").text == "Copied",
             "the copy button to say Copied")
    assert bob.driver.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], (e) => arguments[0](String(e)))") == "print('hi')  # kept"

    # Reply (bob, by mouse): the quote shows above the input and on the reply.
    alice.send("first thing")
    bob.wait_text(room, "first thing")
    hover_action(bob, "first thing", "reply")
    bob.wait(lambda d: bob.element("compose").is_displayed() and "first thing" in bob.element("compose").text,
             "the reply bar with the quote")
    bob.send("a reply")
    reply_id = message_id(alice, "a reply")
    original_id = message_id(alice, "first thing")
    alice.wait(lambda d: (shown(alice, reply_id) or {}).get("quote") == f"{alice_nick}: first thing",
               "the quote on the reply at alice")
    assert not bob.element("compose").is_displayed()
    # A click on the quote shows (and focuses) the original.
    alice.driver.find_element(By.CSS_SELECTOR, f'.msg[data-id="{reply_id}"] .reply-quote').click()
    alice.wait(lambda d: js(alice, "return document.activeElement?.dataset?.id") == original_id, "the original focused")

    # Edit own (alice, ↑ in the empty input): bob sees the new text and "(edited)", the quote follows.
    alice.element("input_text").click()
    alice.element("input_text").send_keys(Keys.ARROW_UP)
    alice.wait(lambda d: alice.element("input_text").get_attribute("value") == "first thing", "the text to edit in the input")
    alice.element("input_text").send_keys(Keys.BACKSPACE * len("thing"), "idea", Keys.ENTER)
    bob.wait(lambda d: (shown(bob, original_id) or {}).get("text") == "first idea", "the edit at bob")
    assert shown(bob, original_id)["edited"]
    bob.wait(lambda d: "first idea" in (shown(bob, reply_id) or {}).get("quote", ""), "the reply's quote edited")

    # Someone else's edit and delete of alice's message are not applied.
    for verb, extra in (("edit", {"text": "forged"}), ("delete", {})):
        mosquitto_pub(open_chat, f"rooms/{room}/{verb}", json.dumps(
            {"author": bob_nick, "id": f"forged-{verb}-1", "ts": int(time.time() * 1000), "target": original_id, **extra}))

    # React (bob, picker: a common one and a typed one); alice sees counts and who.
    hover_action(bob, "first idea", "react")
    bob.wait(lambda d: bob.driver.find_element(By.CSS_SELECTOR, '.react-picker button[data-emoji="👍"]'), "the picker").click()
    hover_action(bob, "first idea", "react")
    other = bob.driver.find_element(By.CSS_SELECTOR, ".react-picker .pick-other input")
    other.send_keys("🦀", Keys.ENTER)
    alice.wait(lambda d: (shown(alice, original_id) or {}).get("reactions") == {"👍": 1, "🦀": 1}, "bob's reactions at alice")
    assert reactions(alice, "first idea")["👍"] == [1, bob_nick]
    # alice adds hers by clicking the chip; bob takes his 🦀 back by clicking his.
    alice.driver.find_element(By.CSS_SELECTOR, f'.msg[data-id="{original_id}"] .reaction[data-emoji="👍"]').click()
    bob.driver.find_element(By.CSS_SELECTOR, f'.msg[data-id="{original_id}"] .reaction[data-emoji="🦀"]').click()
    for browser in (alice, bob):
        browser.wait(lambda d: (shown(browser, original_id) or {}).get("reactions") == {"👍": 2}, "👍 2, no crab")
    assert shown(bob, original_id)["text"] == "first idea"  # the forged edit and delete changed nothing

    # Delete own (alice, with the confirm in the toolbar): a tombstone at bob.
    hover_action(alice, "first idea", "remove")
    alice.wait(lambda d: alice.driver.find_element(By.CSS_SELECTOR, ".confirm-delete").is_displayed(), "the confirm")
    alice.driver.find_element(By.CSS_SELECTOR, '.confirm-delete [data-action="confirm-remove"]').click()
    bob.wait(lambda d: (shown(bob, original_id) or {}).get("deleted"), "the tombstone at bob")
    assert shown(bob, original_id)["text"] == "message deleted"
    bob.wait(lambda d: "message deleted" in shown(bob, reply_id)["quote"], "the reply's quote says deleted")
    assert alice.pwned() is None and bob.pwned() is None


def test_everything_by_keyboard(open_chat, browsers):
    alice_nick, bob_nick = unique("alice"), unique("bob")
    alice = browsers("alice").open(open_chat.server.url).join(alice_nick)
    bob = browsers("bob").open(open_chat.server.url).join(bob_nick)
    room = unique("keys")
    alice.element("new_room_name").send_keys(room, Keys.ENTER)
    alice.wait(lambda d: alice.element("room_title").text == room, "alice in the new room")
    bob.wait(lambda d: room in bob.rooms(), "the room in bob's list")
    bob.select_room(room)
    alice.send("keyboard please")
    bob.wait_text(room, "keyboard please")
    target = message_id(bob, "keyboard please")

    def key(browser, *keys):
        ActionChains(browser.driver).send_keys(*keys).perform()

    # bob: Tab from the search field, past its scope, the room's notification choice, the bell
    # and the Notifications button, into the message list; ↑ to the last message, R replies.
    bob.element("search").click()
    for _ in range(5):
        key(bob, Keys.TAB)
    bob.wait(lambda d: js(bob, "return document.activeElement?.id") == "all_texts", "the message list focused by Tab")
    key(bob, Keys.ARROW_UP)
    bob.wait(lambda d: js(bob, "return document.activeElement?.dataset?.id") == target, "the message focused")
    key(bob, "r")
    bob.wait(lambda d: js(bob, "return document.activeElement?.id") == "input_text", "the input focused for the reply")
    key(bob, "by keys", Keys.ENTER)
    reply = message_id(alice, "by keys")
    alice.wait(lambda d: (shown(alice, reply) or {}).get("quote") == f"{alice_nick}: keyboard please", "the quote")

    # bob reacts by keyboard: +, then Enter on the first emoji of the picker.
    js(bob, "document.getElementById('all_texts').focus()")
    key(bob, Keys.ARROW_UP, Keys.ARROW_UP)
    bob.wait(lambda d: js(bob, "return document.activeElement?.dataset?.id") == target, "the message focused again")
    key(bob, "+")
    bob.wait(lambda d: js(bob, "return document.activeElement?.dataset?.emoji") == "👍", "the picker focused")
    key(bob, Keys.ENTER)
    alice.wait(lambda d: (shown(alice, target) or {}).get("reactions") == {"👍": 1}, "the reaction at alice")

    # alice edits by E on her focused message and deletes by the Delete key, confirming with the keyboard.
    js(alice, "document.getElementById('all_texts').focus()")
    key(alice, Keys.ARROW_UP, Keys.ARROW_UP)
    alice.wait(lambda d: js(alice, "return document.activeElement?.dataset?.id") == target, "alice's message focused")
    key(alice, "e")
    alice.wait(lambda d: alice.element("input_text").get_attribute("value") == "keyboard please", "the edit in the input")
    key(alice, " indeed", Keys.ENTER)
    bob.wait(lambda d: (shown(bob, target) or {}).get("text") == "keyboard please indeed", "the edit at bob")
    js(alice, "document.getElementById('all_texts').focus()")
    key(alice, Keys.ARROW_UP, Keys.ARROW_UP)
    alice.wait(lambda d: js(alice, "return document.activeElement?.dataset?.id") == target, "alice's message focused")
    key(alice, Keys.DELETE)
    alice.wait(lambda d: js(alice, "return document.activeElement?.dataset?.action") == "keep", "the confirm, on Keep")
    ActionChains(alice.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    alice.wait(lambda d: js(alice, "return document.activeElement?.dataset?.action") == "confirm-remove", "on Delete")
    key(alice, Keys.ENTER)
    bob.wait(lambda d: (shown(bob, target) or {}).get("deleted"), "the tombstone at bob")

    # Escape in the input leaves an edit; ↑ in a non-empty input does not start one.
    alice.element("input_text").send_keys("draft", Keys.ARROW_UP)
    assert not alice.element("compose").is_displayed()


def test_typing_and_presence_dots(open_chat, browsers):
    alice_nick, bob_nick = unique("alice"), unique("bob")
    alice = browsers("alice")
    alice.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CUTTABLE_SOCKETS})
    alice.open(open_chat.server.url).join(alice_nick)
    bob = browsers("bob").open(open_chat.server.url).join(bob_nick)
    bob.wait(lambda d: presence_of(bob, alice_nick) == "online", "alice online (green) at bob")

    alice.element("input_text").send_keys("half a thought")
    bob.wait(lambda d: bob.element("typing").text == f"{alice_nick} is typing…", "alice typing at bob")
    assert alice.element("typing").text == ""  # not oneself
    bob.wait(lambda d: bob.element("typing").text == "", "the typing line to go after 5 s")

    # A hidden tab is away; back, online again.
    js(alice, "Object.defineProperty(document, 'hidden', { value: true, configurable: true });"
              "document.dispatchEvent(new Event('visibilitychange'))")
    bob.wait(lambda d: presence_of(bob, alice_nick) == "away", "alice away at bob")
    js(alice, "Object.defineProperty(document, 'hidden', { value: false, configurable: true });"
              "document.dispatchEvent(new Event('visibilitychange'))")
    bob.wait(lambda d: presence_of(bob, alice_nick) == "online", "alice online again at bob")
    # The retained state reaches a page that opens later.
    carol = browsers("carol").open(open_chat.server.url).join(unique("carol"))
    carol.wait(lambda d: presence_of(carol, bob_nick) == "online", "bob online at carol")

    # The last will: alice's connection dies without a goodbye → offline at bob.
    js(alice, "window.__chattCutOff = true; window.__chattTestSockets.forEach((s) => s.close())")
    bob.wait(lambda d: presence_of(bob, alice_nick) == "offline", "alice offline (her will) at bob")


def test_events_out_of_order_twice_and_from_others(open_chat, browsers):
    reader = browsers("reader").open(open_chat.server.url).join(unique("reader"))
    room = unique("order")
    mosquitto_pub(open_chat, f"rooms/{room}/new", "")
    reader.wait(lambda d: room in reader.rooms(), "the room")
    reader.select_room(room)
    ts = int(time.time() * 1000)
    target = "target-message-01"
    # The edit and a reaction come before their message (other topics, no order across them).
    mosquitto_pub(open_chat, f"rooms/{room}/edit", json.dumps(
        {"author": "sensor", "id": "edit-event-01", "ts": ts + 1, "target": target, "text": "**21.5** °C"}))
    mosquitto_pub(open_chat, f"rooms/{room}/react", json.dumps(
        {"author": "eve", "id": "react-event-1", "ts": ts + 2, "target": target, "emoji": "🔥", "on": True}))
    mosquitto_pub(open_chat, f"rooms/{room}/newtext", json.dumps(
        {"author": "sensor", "text": "21.4 °C", "id": target, "ts": ts}))
    reader.wait(lambda d: (shown(reader, target) or {}).get("text") == "21.5 °C", "the held edit applied")
    assert shown(reader, target)["edited"] and shown(reader, target)["reactions"] == {"🔥": 1}
    # Twice the same reaction event, a removal by someone else's event id: counted once, eve's stays.
    mosquitto_pub(open_chat, f"rooms/{room}/react", json.dumps(
        {"author": "eve", "id": "react-event-1", "ts": ts + 2, "target": target, "emoji": "🔥", "on": True}))
    mosquitto_pub(open_chat, f"rooms/{room}/react", json.dumps(
        {"author": "mallory", "id": "react-event-2", "ts": ts + 3, "target": target, "emoji": "🔥", "on": False}))
    mosquitto_pub(open_chat, f"rooms/{room}/delete", json.dumps(
        {"author": "mallory", "id": "delete-event1", "ts": ts + 4, "target": target}))
    mosquitto_pub(open_chat, f"rooms/{room}/newtext", json.dumps({"author": "sensor", "text": "marker"}))
    reader.wait_text(room, "marker")
    assert shown(reader, target) == {"text": "21.5 °C", "edited": True, "deleted": False, "quote": None,
                                     "reactions": {"🔥": 1}}


def test_an_original_client_chats_with_a_v2_page_both_ways(open_chat, browsers):
    room = unique("old")
    page_nick = unique("page")
    page = browsers("page").open(open_chat.server.url).join(page_nick)
    page.element("new_room_name").send_keys(room, Keys.ENTER)
    page.wait(lambda d: page.element("room_title").text == room, "the page in the room")
    # An original client reads rooms/# and shows `text` as it is.
    old = open_chat.mqtt_client()
    received, subscribed = [], []
    old.on_message = lambda client, userdata, message: received.append((message.topic, message.payload.decode()))
    old.on_subscribe = lambda *args: subscribed.append(True)
    old.subscribe("rooms/#", qos=1)
    page.wait(lambda d: subscribed, "the original client's subscription")
    mosquitto_pub(open_chat, f"rooms/{room}/newtext", '{"author":"oldie","text":"hello from 2015 :)"}')
    page.wait(lambda d: any(m["author"] == "oldie" and m["text"] == "hello from 2015 :)" for m in page.messages(room)),
              "the original client's message in the page")
    # A v2 message (a reply, with Markdown) from the page: the original client gets `text` as typed.
    page.send("welcome, oldie")
    page.wait(lambda d: message_node(page, "welcome, oldie"), "the page's first message")
    hover_action(page, "welcome, oldie", "reply")
    page.send("**welcome** back")
    page.wait(lambda d: any(t == f"rooms/{room}/newtext" and json.loads(p).get("text") == "**welcome** back"
                            for t, p in received), "the page's reply at the original client")
    payload = next(json.loads(p) for t, p in received if t == f"rooms/{room}/newtext" and "**welcome**" in p)
    assert payload["author"] == page_nick and payload["text"] == "**welcome** back"  # plain text, readable as is
    assert payload["replyTo"] == message_id(page, "welcome, oldie")  # an extra field an original client ignores
    # A message without an id (an original client's) offers no actions: an event could not name it.
    node = message_node(page, "hello from 2015")
    ActionChains(page.driver).move_to_element(node).perform()
    assert not node.find_elements(By.CSS_SELECTOR, ".msg-actions")
    old.loop_stop()
    old.disconnect()


def test_a_click_on_a_quote_loads_the_original_from_the_history(open_chat, browsers):
    """The original of a reply is 126 messages back, not loaded: a click on the quote asks
    the server for the page around it (or, from a server without `around=`, pages back)
    until it is shown and focused."""
    room = unique("jump")
    ids = [f"{room}-m{i:03d}" for i in range(130)]
    open_chat.publish([(f"rooms/{room}/new", "")]
                      + [(f"rooms/{room}/newtext", newtext("sam", f"old line {i}", ids[i])) for i in range(130)])
    reader = browsers("reader").open(open_chat.server.url)
    reader.wait(lambda d: open_chat.stored(room, "old line 129"), "memorize to store the room")
    reader.join(unique("reader"))
    reader.select_room(room)
    assert "old line 3" not in reader.texts(room)
    mosquitto_pub(open_chat, f"rooms/{room}/newtext", json.dumps(
        {"author": "sam", "text": "about line 3", "id": f"{room}-reply", "ts": int(time.time() * 1000), "replyTo": ids[3]}))
    reader.wait(lambda d: (shown(reader, f"{room}-reply") or {}).get("quote") == "a message not loaded", "the reply")
    reader.driver.find_element(By.CSS_SELECTOR, f'.msg[data-id="{room}-reply"] .reply-quote').click()
    reader.wait(lambda d: js(reader, "return document.activeElement?.dataset?.id") == ids[3], "the original shown", 30)
    assert reader.status() == ""
    assert shown(reader, f"{room}-reply")["quote"] == "sam: old line 3"  # the quote, now that it is loaded


OUT = ROOT / "test-output"


def dark(browser, on: bool) -> None:
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": "dark" if on else "light"}]})


def test_conversation_screenshots_phone_and_desktop_light_and_dark(open_chat, browsers):
    """test-output/conversation-{phone,desktop}-{light,dark}.png: a reply, an edit, reactions,
    Markdown (code block, list, quote), the typing line, presence dots, the toolbar open."""
    room = unique("shots")
    sam_nick, alice_nick = "sam", "alice"
    sam = browsers("sam").open(open_chat.server.url).join(sam_nick)
    sam.element("new_room_name").send_keys(room, Keys.ENTER)
    sam.wait(lambda d: sam.element("room_title").text == room, "sam in the room")
    for shot, (width, height, mobile) in {"desktop": (1200, 800, False), "phone": (390, 844, True)}.items():
        alice = browsers(f"alice-{shot}").open(open_chat.server.url)
        alice.emulate(width, height, mobile)
        alice.join(alice_nick)
        alice.wait(lambda d: room in alice.rooms(), "the room")
        alice.select_room(room)
        if shot == "desktop":
            sam.send("Did the **release** build finish? I saw `swift build` still running :)")
            alice.wait(lambda d: message_node(alice, "Did the release"), "sam's question")
            hover_action(alice, "Did the release", "reply")
            box = alice.element("input_text")
            box.send_keys("Yes, _finally_:")
            for line in ["```sh", "$ swift build -c release", "Build complete! (858.9s)", "```", "- memorize ok",
                         "- server ok"]:
                box.send_keys(Keys.SHIFT, Keys.ENTER)
                box.send_keys(line)
            box.send_keys(Keys.ENTER)
            sam.wait(lambda d: message_node(sam, "Yes, finally"), "alice's answer")
            hover_action(sam, "Yes, finally", "react")
            sam.driver.find_element(By.CSS_SELECTOR, '.react-picker button[data-emoji="🎉"]').click()
            sam.send("> Build complete\n~~lunch~~ time then")
            sam.send("see the log https://example.org/build/42")
            alice.element("input_text").send_keys(Keys.ARROW_UP)  # edit the last own message
            alice.element("input_text").send_keys(Keys.BACKSPACE * len("server ok"), "server up", Keys.ENTER)
            sam.wait(lambda d: message_node(sam, "Yes, finally").find_elements(By.CSS_SELECTOR, ".edited"), "the edit")
            sam.element("input_text").send_keys("typing a long answer")
        alice.wait(lambda d: message_node(alice, "see the log"), "the last message")
        mosquitto_pub(open_chat, f"rooms/{room}/react", json.dumps(
            {"author": "carol", "id": f"shot-react-{shot}", "ts": int(time.time() * 1000),
             "target": message_id(alice, "see the log"), "emoji": "👀", "on": True}))
        alice.wait(lambda d: js(alice, "return document.querySelectorAll('#all_texts .reaction').length") >= 1,
                   "a reaction")
        # sam keeps typing (typing events go at most every 3 s) until this page shows it.
        alice.wait(lambda d: sam.element("input_text").send_keys(".") or alice.element("typing").text != "",
                   "sam typing")
        hover_action(alice, "see the log", "react")
        OUT.mkdir(exist_ok=True)
        for mode in (False, True):
            dark(alice, mode)
            assert alice.driver.save_screenshot(str(OUT / f"conversation-{shot}-{'dark' if mode else 'light'}.png"))


def test_live_between_pages_while_memorize_is_down(fresh_chat, browsers):
    """Protocol v2 travels over MQTT only: with memorize stopped, a reply, an edit, a
    reaction and a delete still reach the other page."""
    alice_nick, bob_nick = unique("alice"), unique("bob")
    alice = browsers("alice").open(fresh_chat.server.url).join(alice_nick)
    bob = browsers("bob").open(fresh_chat.server.url).join(bob_nick)
    fresh_chat.memorize.stop()
    alice.send("while memorize sleeps")
    bob.wait_text("main", "while memorize sleeps")
    target = message_id(bob, "while memorize sleeps")
    hover_action(bob, "while memorize sleeps", "reply")
    bob.send("still here")
    reply = message_id(alice, "still here")
    alice.wait(lambda d: (shown(alice, reply) or {}).get("quote") == f"{alice_nick}: while memorize sleeps", "the reply")
    hover_action(bob, "while memorize sleeps", "react")
    bob.driver.find_element(By.CSS_SELECTOR, '.react-picker button[data-emoji="👀"]').click()
    alice.element("input_text").send_keys(Keys.ARROW_UP, " zzz", Keys.ENTER)
    bob.wait(lambda d: (shown(bob, target) or {}).get("text") == "while memorize sleeps zzz", "the edit at bob")
    alice.wait(lambda d: (shown(alice, target) or {}).get("reactions") == {"👀": 1}, "the reaction at alice")
    hover_action(bob, "still here", "remove")
    bob.driver.find_element(By.CSS_SELECTOR, '.confirm-delete [data-action="confirm-remove"]').click()
    alice.wait(lambda d: (shown(alice, reply) or {}).get("deleted"), "the tombstone at alice")


# /data/lastinfo as a server with protocol v2 answers it (the other half of issue 16 is
# made at the same time): the real answer, with one room of v2 entries added.
STUB_HISTORY = """
const room = %s, entries = %s;
const realFetch = window.fetch.bind(window);
window.fetch = async (url, options) => {
  const response = await realFetch(url, options);
  if (!String(url).endsWith('data/lastinfo')) return response;
  const data = await response.json();
  data.rooms = [...(data.rooms ?? []), room];
  data.messages = { ...(data.messages ?? {}), [room]: entries };
  return new Response(JSON.stringify(data), { status: 200, headers: { 'Content-Type': 'application/json' } });
};
"""


def test_the_v2_history_shape_shows_replies_edits_deletes_and_reactions(open_chat, browsers):
    room = unique("hist")
    ts = int(time.time() * 1000) - 60_000
    entries = [
        ["bob", "the original", ts, "hist-orig-01", 5],
        ["alice", "a **reply**, fixed", ts + 1, "hist-reply-1", 6,
         {"replyTo": "hist-orig-01", "edited": ts + 5, "reactions": {"👍": ["bob", "carol"], "🎉": ["bob"]}}],
        ["bob", "", ts + 2, "hist-gone-01", 7, {"deleted": True}],
        ["carol", "plain, as the original shape", ts + 3, "hist-plain-1", 8],
    ]
    reader = browsers("reader")
    reader.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                  {"source": STUB_HISTORY % (json.dumps(room), json.dumps(entries))})
    reader.open(open_chat.server.url).join(unique("reader"))
    reader.select_room(room)
    reply = shown(reader, "hist-reply-1")
    assert reply == {"text": "a reply, fixed", "edited": True, "deleted": False, "quote": "bob: the original",
                     "reactions": {"👍": 2, "🎉": 1}}, reply
    assert reactions(reader, "a reply, fixed")["👍"] == [2, "bob, carol"]
    assert shown(reader, "hist-gone-01")["deleted"] and shown(reader, "hist-gone-01")["text"] == "message deleted"
    assert shown(reader, "hist-plain-1")["text"] == "plain, as the original shape"
    # Live events apply on top of the history: carol takes her 👍 back; bob cannot edit alice's.
    mosquitto_pub(open_chat, f"rooms/{room}/new", "")
    mosquitto_pub(open_chat, f"rooms/{room}/react", json.dumps(
        {"author": "carol", "id": "hist-react-off", "ts": ts + 10, "target": "hist-reply-1", "emoji": "👍", "on": False}))
    mosquitto_pub(open_chat, f"rooms/{room}/edit", json.dumps(
        {"author": "bob", "id": "hist-forged-ed", "ts": ts + 11, "target": "hist-reply-1", "text": "forged"}))
    reader.wait(lambda d: shown(reader, "hist-reply-1")["reactions"] == {"👍": 1, "🎉": 1}, "carol's 👍 gone")
    mosquitto_pub(open_chat, f"rooms/{room}/newtext", json.dumps({"author": "carol", "text": "marker"}))
    reader.wait_text(room, "marker")
    assert shown(reader, "hist-reply-1")["text"] == "a reply, fixed"
