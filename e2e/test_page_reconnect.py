"""The broker restarts under two open pages: both come back by themselves, a message
said while they were away is fetched from the history and shown once, and what is
typed while offline is delivered after the reconnect."""
from harness import newtext, unique, wait_until

RECONNECT = 60  # seconds: the page backs off 1, 2, 4, 8, 16 s between tries


def offline(browser) -> bool:
    return "trying again" in browser.status()


def test_the_page_reconnects_after_a_broker_restart_and_fetches_what_it_missed(fresh_chat, browsers):
    ann_nick, bob_nick = unique("ann"), unique("bob")
    ann = browsers("ann").open(fresh_chat.server.url).join(ann_nick)
    bob = browsers("bob").open(fresh_chat.server.url).join(bob_nick)
    ann.send("before the restart")
    bob.wait_text("main", "before the restart")

    fresh_chat.broker.stop()
    ann.wait(lambda d: offline(ann), "ann's page to say it is offline")
    bob.wait(lambda d: offline(bob), "bob's page to say it is offline")

    # The broker comes back for MQTT clients only (no WebSocket listener), so the pages
    # miss for certain what is said now while memorize stores it.
    fresh_chat.broker.start(websocket=False)
    missed = "said while the pages were away"
    fresh_chat.publish([("rooms/main/newtext", newtext("carol", missed, "missed-while-away"))])
    wait_until(lambda: fresh_chat.stored("main", missed), timeout=RECONNECT, what="memorize to store the missed message")
    typed = "typed while offline"
    ann.send(typed)
    # Shown at the next animation frame (insertions are batched per frame), pending.
    ann.wait(lambda d: [m["pending"] for m in ann.messages("main") if m["text"] == typed] == [True],
             "the offline message shown as pending")

    fresh_chat.broker.stop()
    fresh_chat.broker.start()  # same ports, same persistence, WebSocket again
    for browser in (ann, bob):
        browser.wait(lambda d: browser.status() == "" and missed in browser.texts("main"),
                     "the reconnect and the missed message", timeout=RECONNECT)

    bob.wait_text("main", typed)
    for browser in (ann, bob):
        ids = [m["id"] for m in browser.messages("main")]
        assert ids.count("missed-while-away") == 1
        assert browser.texts("main").count(typed) == 1
        assert browser.texts("main").count("before the restart") == 1
    ann.wait(lambda d: not any(m["pending"] for m in ann.messages("main")), "the offline message to be confirmed")

    bob.send("after the restart")
    ann.wait_text("main", "after the restart")
    assert wait_until(lambda: fresh_chat.stored("main", "after the restart"), what="the last message stored")
