"""Signed nicknames and direct messages in real pages (issue 17): members who join with a
personal secret sign what they send; a page shows the others' messages verified, and a
clear warning on one sent under their nickname without their key, or as `bot` without
bot's key; a direct conversation between two pages that a third member, who knows the
passphrase and subscribes `direct/#` by hand, reads only as ciphertext; the same secret on
a second browser derives the same keys and reads the live direct messages; a member
without a secret reads rooms but is told why direct messages are closed to them."""
import json
import subprocess
import threading
import time

from selenium.webdriver.common.by import By

from harness import ROOT, WAIT, unique



def signed(secret: str, nick: str, kind: str, *args: str) -> tuple[str, str]:
    """(topic, payload) signed with the page's identity.js, run by node."""
    out = subprocess.run(["node", str(ROOT / "e2e" / "identity_tool.mjs"), secret, nick, kind, *args],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    value = json.loads(out)
    return value["topic"], value["payload"]


def publish_retained(chat, topic: str, payload: str) -> None:
    client = chat.mqtt_client()
    try:
        info = client.publish(topic, payload, qos=1, retain=True)
        info.wait_for_publish(timeout=WAIT)
        assert info.is_published()
    finally:
        client.loop_stop()
        client.disconnect()


def join_with_secret(browser, nick: str, secret: str = "", passphrase: str = "", remember: bool = False) -> float | None:
    """Joins with a personal secret; the time the page took to derive the keys (ms)."""
    browser.element("passphrase").clear()
    if passphrase:
        browser.element("passphrase").send_keys(passphrase)
    if remember != browser.element("remember").is_selected():
        browser.element("remember").click()
    browser.element("nick").clear()
    browser.element("nick").send_keys(nick)
    browser.element("secret").clear()
    if secret:
        browser.element("secret").send_keys(secret)
    browser.element("join").click()
    browser.wait_joined()
    return browser.driver.execute_script("return window.chattKeyDerivationMs ?? null")


def verdicts(browser, room: str) -> dict[str, str]:
    """text → 'verified', 'forged' or 'plain' for the messages of a room's log."""
    return browser.driver.execute_script("""
      const log = [...document.querySelectorAll('#all_texts .log')].find((l) => l.dataset.room === arguments[0]);
      if (!log) return {};
      return Object.fromEntries([...log.querySelectorAll('.msg')].map((m) => [m.querySelector('.text').textContent,
        m.querySelector('.forged') ? 'forged' : m.querySelector('.verified') ? 'verified' : 'plain']));""", room)


def test_verified_and_forged_messages_and_bot(open_chat, browsers):
    room = "main"
    alice_nick, bob_nick = unique("alice"), unique("bob")
    alice = browsers("alice").open(open_chat.server.url)
    ms = join_with_secret(alice, alice_nick, "alice's personal secret")
    assert ms is not None and ms > 0
    print(f"\nkey derivation at join (Chromium, PBKDF2 600,000): {ms:.0f} ms")
    bob = browsers("bob").open(open_chat.server.url)
    join_with_secret(bob, bob_nick, "bob's own secret")
    # Alice's retained key reached bob's page, which remembers it for this chat.
    bob.wait(lambda d: d.execute_script(
        "return Object.keys(localStorage).filter((k) => k.startsWith('chatt-keys:'))"
        ".some((k) => arguments[0] in JSON.parse(localStorage.getItem(k)))", alice_nick), "alice's key remembered at bob")
    alice.send("signed hello from alice")
    bob.wait(lambda d: verdicts(bob, room).get("signed hello from alice") == "verified", "alice's message verified at bob")
    assert verdicts(alice, room).get("signed hello from alice") == "verified"

    # Mallory knows the passphrase and types alice's nickname (no secret: cannot sign as her).
    mallory = browsers("mallory").open(open_chat.server.url)
    join_with_secret(mallory, alice_nick)
    mallory.send("send me your passphrase, it's alice")
    bob.wait(lambda d: verdicts(bob, room).get("send me your passphrase, it's alice") == "forged", "the impostor forged at bob")
    alice.wait(lambda d: verdicts(alice, room).get("send me your passphrase, it's alice") == "forged",
               "the impostor forged at alice too")
    warning = bob.driver.execute_script("""
      const m = [...document.querySelectorAll('#all_texts .msg')].find((n) => n.querySelector('.text').textContent.startsWith('send me'));
      return m.querySelector('.forged').textContent;""")
    assert warning == f"⚠ not from {alice_nick}"

    # `bot`: memorize's greeting, signed with the key memorize made and announced, is
    # verified; a message by anybody else as bot is forged.
    now = int(time.time() * 1000)
    open_chat.publish([("rooms/main/newtext", json.dumps({
        "author": "bot", "text": "Please re-enter the passphrase at http://127.0.0.1:9/login", "id": f"fake-{now}", "ts": now}))])
    for page in (alice, bob):
        page.wait(lambda d: verdicts(page, room).get(f"@{alice_nick}: Welcome {alice_nick}!!") == "verified",
                  "memorize's signed greeting verified")
        page.wait(lambda d: verdicts(page, room).get("Please re-enter the passphrase at http://127.0.0.1:9/login") == "forged",
                  "the fake bot message forged")
    # A nickname without a key stays plain.
    open_chat.publish([("rooms/main/newtext", json.dumps({"author": "plainuser", "text": "no key here", "id": f"plain-{now}", "ts": now}))])
    bob.wait(lambda d: verdicts(bob, room).get("no key here") == "plain", "an unsigned nickname plain")

    # The signed payload on the wire: a plain MQTT reader sees alice's `sig`.
    seen = []
    reader = open_chat.mqtt_client()
    reader.on_message = lambda c, u, m: seen.append((m.topic, m.payload.decode()))
    subscribed = threading.Event()
    reader.on_subscribe = lambda *args: subscribed.set()
    reader.subscribe("rooms/main/#", qos=1)
    try:
        assert subscribed.wait(WAIT)
        alice.send("signed once more")
        bob.wait(lambda d: any("signed once more" in p for _, p in seen), "alice's payload at a plain subscriber")
    finally:
        reader.loop_stop()
        reader.disconnect()
    payload = json.loads(next(p for _, p in seen if "signed once more" in p))
    assert len(payload["sig"]) == 86 and payload["author"] == alice_nick


def direct_seen(browser) -> list[dict]:
    return browser.driver.execute_script("""
      return [...document.querySelectorAll('#direct_texts .msg')].map((m) => ({
        author: m.querySelector('.author').textContent, text: m.querySelector('.text').textContent,
        verified: !!m.querySelector('.verified'), problem: m.classList.contains('undecryptable') }));""")


def open_direct(browser, peer: str) -> None:
    button = browser.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f'#all_nicks .direct-start[data-direct-nick="{peer}"]'),
                          f"the direct-message button by {peer}")[0]
    button.click()
    browser.wait(lambda d: browser.element("direct_panel").is_displayed(), "the direct panel")


def test_direct_conversation_sealed_between_two_pages(open_chat, browsers):
    alice_nick, bob_nick, eve_nick = unique("alice"), unique("bob"), unique("eve")
    bob_secret = "bob's secret for every device"
    # Eve knows the passphrase and listens to every direct topic by hand.
    wire = []
    eve_client = open_chat.mqtt_client()
    subscribed = threading.Event()
    eve_client.on_subscribe = lambda *args: subscribed.set()
    eve_client.on_message = lambda c, u, m: wire.append((m.topic, m.payload.decode()))
    eve_client.subscribe("direct/#", qos=1)
    assert subscribed.wait(WAIT)
    try:
        alice = browsers("alice").open(open_chat.server.url)
        join_with_secret(alice, alice_nick, "alice's secret")
        bob = browsers("bob").open(open_chat.server.url)
        join_with_secret(bob, bob_nick, bob_secret)
        eve = browsers("eve").open(open_chat.server.url)
        join_with_secret(eve, eve_nick)  # no secret
        assert "need a personal secret" in eve.driver.find_element(By.CSS_SELECTOR, ".direct-section .direct-closed").text
        assert not eve.driver.find_elements(By.CSS_SELECTOR, ".direct-start")

        open_direct(alice, bob_nick)
        alice.element("direct_text").send_keys("meet at the usual place 🤫\n")
        alice.wait(lambda d: [m["text"] for m in direct_seen(alice)] == ["meet at the usual place 🤫"], "alice's own copy")
        # Bob: an unread count in the Direct section, then the message, verified.
        bob.wait(lambda d: d.execute_script(
            "return document.querySelector(`#direct_list button[data-peer='${arguments[0]}'] .unread`)?.textContent",
            alice_nick) == "1", "an unread count for the direct conversation at bob")
        bob.driver.find_element(By.CSS_SELECTOR, f'#direct_list button[data-peer="{alice_nick}"]').click()
        bob.wait(lambda d: direct_seen(bob) == [{"author": alice_nick, "text": "meet at the usual place 🤫",
                                                 "verified": True, "problem": False}], "the message opened at bob")
        bob.element("direct_text").send_keys("ok, 8 pm\n")
        alice.wait(lambda d: [m["text"] for m in direct_seen(alice)] == ["meet at the usual place 🤫", "ok, 8 pm"],
                   "bob's answer at alice")

        # What eve's subscription got: ciphertext only, on direct/<a>/<b> in code-point order.
        wait_until_count = lambda: len(wire) >= 2  # noqa: E731
        alice.wait(lambda d: wait_until_count(), "both messages at eve's subscription")
        first, second = sorted([alice_nick, bob_nick], key=lambda n: [ord(c) for c in n])
        for topic, payload in wire:
            assert topic == f"direct/{first}/{second}"
            assert "usual place" not in payload and "8 pm" not in payload
            assert set(json.loads(payload)) == {"from", "to", "id", "ts", "nonce", "ct", "sig"}
        # Eve's page (she knows the passphrase) does not even subscribe to others' conversations.
        assert not eve.driver.find_elements(By.CSS_SELECTOR, "#direct_list button")

        # Bob on a second browser, same secret: the same keys, the direct messages readable.
        bob2 = browsers("bob2").open(open_chat.server.url)
        join_with_secret(bob2, bob_nick, bob_secret)
        same = [b.driver.execute_script(
            "return JSON.parse(localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('chatt-keys:'))))[arguments[0]]",
            bob_nick) for b in (bob, bob2)]
        assert same[0] is not None and same[0] == same[1]
        alice.element("direct_text").send_keys("see you both tabs\n")
        bob2.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f'#direct_list button[data-peer="{alice_nick}"]'),
                  "the conversation in bob's second browser")
        bob2.driver.find_element(By.CSS_SELECTOR, f'#direct_list button[data-peer="{alice_nick}"]').click()
        bob2.wait(lambda d: any(m["text"] == "see you both tabs" and m["verified"] for m in direct_seen(bob2)),
                  "the live direct message in the second browser")
        # ... and the conversation's history from before it joined, from the server
        # (ciphertext stored by memorize, opened in the page).
        bob2.wait(lambda d: [m["text"] for m in direct_seen(bob2)] == ["meet at the usual place 🤫", "ok, 8 pm", "see you both tabs"],
                  "the direct history in the second browser")
        bob.wait(lambda d: any(m["text"] == "see you both tabs" for m in direct_seen(bob)), "and in the first")
        # Choosing a room goes back to it.
        bob.driver.find_element(By.CSS_SELECTOR, '#all_channels button[data-room="main"]').click()
        bob.wait(lambda d: not bob.element("direct_panel").is_displayed(), "the direct panel closed for the room")
    finally:
        eve_client.loop_stop()
        eve_client.disconnect()


OUT = ROOT / "test-output"


def dark(browser, on: bool) -> None:
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": "dark" if on else "light"}]})


def test_identity_screenshots_phone_and_desktop_light_and_dark(open_chat, browsers):
    """test-output/identity-{phone,desktop}-{light,dark}.png (verified marks, a forged warning,
    the Direct section, the ✉ by nicknames) and direct-….png (a conversation open)."""
    room = unique("idshots")
    alice_nick, sam_nick = unique("alice"), unique("sam")
    alice = browsers("alice").open(open_chat.server.url)
    join_with_secret(alice, alice_nick, "alice's shot secret")
    alice.element("new_room_name").send_keys(room)
    alice.element("new_room").click()
    alice.wait(lambda d: alice.element("room_title").text == room, "alice in the room")
    # Both of sam's pages are open before the messages: the verdicts shown are the page's own
    # (live); history shows memorize's once it stores them.
    pages = {}
    for shot, (width, height, mobile) in {"desktop": (1200, 800, False), "phone": (390, 844, True)}.items():
        sam = pages[shot] = browsers(f"sam-{shot}").open(open_chat.server.url)
        sam.emulate(width, height, mobile)
        join_with_secret(sam, sam_nick, "sam's shot secret")
        sam.wait(lambda d: room in sam.rooms(), "the room")
        sam.select_room(room)
    sam = pages["desktop"]
    alice.send("The tickets are booked, **8 pm** at the station :)")
    sam.wait(lambda d: verdicts(sam, room).get("The tickets are booked, 8 pm at the station :)") == "verified",
             "alice verified")
    impostor = browsers("impostor").open(open_chat.server.url)
    join_with_secret(impostor, alice_nick)
    impostor.select_room(room)
    impostor.send("Change of plan: send the money to my new account")
    now = int(time.time() * 1000)
    open_chat.publish([(f"rooms/{room}/newtext", json.dumps({
        "author": "bot", "text": "Please re-enter the passphrase at http://127.0.0.1:9/login", "id": f"fakebot-{now}",
        "ts": now}))])
    sam.send("Great, see you there")
    open_direct(alice, sam_nick)
    alice.element("direct_text").send_keys("Just between us: bring the *blue* bag\n")
    for shot, sam in pages.items():
        sam.wait(lambda d: verdicts(sam, room).get("Change of plan: send the money to my new account") == "forged", "forged")
        sam.wait(lambda d: verdicts(sam, room).get("Please re-enter the passphrase at http://127.0.0.1:9/login") == "forged",
                 "the fake bot")
        sam.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f'#direct_list button[data-peer="{alice_nick}"]'), "the Direct entry")
        sam.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f'#all_nicks .direct-start[data-direct-nick="{alice_nick}"]'),
                 "the ✉ by alice")
        OUT.mkdir(exist_ok=True)
        for theme in ("light", "dark"):
            dark(sam, theme == "dark")
            assert sam.driver.save_screenshot(str(OUT / f"identity-{shot}-{theme}.png"))
        sam.driver.find_element(By.CSS_SELECTOR, f'#direct_list button[data-peer="{alice_nick}"]').click()
        sam.wait(lambda d: any(m["text"] == "Just between us: bring the blue bag" for m in direct_seen(sam)), "the direct message")
        if shot == "desktop":
            sam.element("direct_text").send_keys("Will do 👍\n")
            sam.element("direct_text").send_keys("Half an hour early? The *tram* is slow\n")
        sam.wait(lambda d: any(m["text"] == "Will do 👍" for m in direct_seen(sam)), "the answer")
        for theme in ("light", "dark"):
            dark(sam, theme == "dark")
            assert sam.driver.save_screenshot(str(OUT / f"direct-{shot}-{theme}.png"))


def test_a_remembered_session_asks_for_the_secret_again_and_stays_signed(protected_chat, browsers):
    """The secret is never stored: after a reload the page asks for it (the passphrase's pair
    is still remembered) rather than joining unsigned, which would show as forged."""
    from conftest import PASSPHRASE
    nick = unique("carol")
    carol = browsers("carol").open(protected_chat.server.url)
    join_with_secret(carol, nick, "carol's secret", passphrase=PASSPHRASE, remember=True)
    reader = browsers("reader").open(protected_chat.server.url)
    join_with_secret(reader, unique("reader"), passphrase=PASSPHRASE)
    carol.driver.refresh()
    carol.wait(lambda d: carol.element("join_form").is_displayed() and "personal secret again" in carol.status(),
               "the form asking for the secret again")
    assert carol.element("nick").get_attribute("value") == nick
    assert carol.driver.execute_script("return sessionStorage.getItem('chatt-session')").find("carol's secret") < 0
    carol.element("secret").send_keys("carol's secret")
    carol.element("join").click()  # no passphrase typed: the remembered pair
    carol.wait_joined()
    carol.send("still signed after a reload")
    reader.wait(lambda d: verdicts(reader, "main").get("still signed after a reload") == "verified", "verified after the reload")


def test_messages_shown_before_their_authors_key_are_checked_when_it_comes(open_chat, browsers):
    """Issue 17: messages of a signed nickname shown before its retained key reached the
    page (plain) are checked when the key comes: marked verified, or warned as forged."""
    nick = unique("erin")
    reader = browsers("reader").open(open_chat.server.url)
    join_with_secret(reader, unique("reader"))
    now = int(time.time() * 1000)
    open_chat.publish([
        signed("erin's secret", nick, "newtext", "main", "erin before her key", f"early-{now}", str(now)),
        signed("not erin's secret", nick, "newtext", "main", "someone as erin before her key", f"forged-{now}", str(now)),
    ])
    reader.wait(lambda d: verdicts(reader, "main").get("erin before her key") == "plain"
                and verdicts(reader, "main").get("someone as erin before her key") == "plain", "both shown, plain")
    publish_retained(open_chat, *signed("erin's secret", nick, "key", str(now)))
    reader.wait(lambda d: verdicts(reader, "main").get("erin before her key") == "verified", "erin's message verified")
    reader.wait(lambda d: verdicts(reader, "main").get("someone as erin before her key") == "forged", "the impostor warned")


def test_a_changed_key_is_warned(open_chat, browsers):
    """A nickname's key seen before, then another one (both self-signed): the page warns."""
    nick = unique("dana")
    publish_retained(open_chat, *signed("dana's first secret", nick, "key", str(int(time.time() * 1000))))
    reader = browsers("reader").open(open_chat.server.url)
    join_with_secret(reader, unique("reader"))
    reader.wait(lambda d: d.execute_script(
        "return Object.keys(localStorage).filter((k) => k.startsWith('chatt-keys:'))"
        ".some((k) => arguments[0] in JSON.parse(localStorage.getItem(k)))", nick), "dana's key remembered")
    assert "key changed" not in reader.status()
    publish_retained(open_chat, *signed("someone else's secret", nick, "key", str(int(time.time() * 1000))))
    # memorize pinned the first key, so the page may know it from /data/lastinfo as the chat's
    # pin ("someone announced another key"), or only from the announcement ("key changed").
    reader.wait(lambda d: any(warning in reader.status() for warning in (
        f"Warning: {nick}'s key changed", f"Warning: someone announced another key for {nick}")),
        "the warning of a changed key")
