"""Two people chat through a protected ChaTT, each in their own Chromium; what they say
reaches the other page, the history API and memorize's database."""
import urllib.error

import pytest

from conftest import PASSPHRASE
from harness import unique, wait_until


def test_two_browsers_chat_and_the_message_is_stored(protected_chat, browsers):
    ann_nick, bob_nick = unique("ann"), unique("bob")
    ann = browsers("ann").open(protected_chat.server.url).join(ann_nick, PASSPHRASE)
    bob = browsers("bob").open(protected_chat.server.url).join(bob_nick, PASSPHRASE)

    login = protected_chat.credentials[0]
    # The title names the chat (issue 18: no longer two characters of the derived login).
    assert ann.driver.title == "ChaTT"
    assert bob.driver.title == "ChaTT"

    hello = f"hello from {ann_nick}"
    ann.send(hello)
    bob.wait_text("main", hello)
    sent = next(m for m in bob.messages("main") if m["text"] == hello)
    assert sent["author"] == ann_nick
    # The sender's own copy is confirmed by the broker (PUBACK), and shown once.
    ann.wait(lambda d: [m["pending"] for m in ann.messages("main") if m["text"] == hello] == [False],
             "the sent message to be confirmed")

    reply = f"hi {ann_nick}, {bob_nick} here"
    bob.send(reply)
    ann.wait_text("main", reply)
    ann.wait(lambda d: bob_nick in ann.nicks(), "bob in the list of users online")

    # The history API (with the derived pair) and memorize's database have it, with its id.
    entry = wait_until(lambda: next((e for e in protected_chat.lastinfo()["messages"]["main"] if e[1] == hello), None),
                       what="the message in /data/lastinfo")
    assert entry[0] == ann_nick
    assert entry[3] == sent["id"]
    exported = [m for m in protected_chat.memorize.export() if m["text"] in (hello, reply)]
    assert [(m["room"], m["author"], m["text"]) for m in exported] == [("main", ann_nick, hello), ("main", bob_nick, reply)]
    assert exported[0]["id"] == sent["id"]


def test_the_history_api_refuses_readers_without_the_passphrase(protected_chat):
    for credentials in (None, ("nobody", "wrong")):
        with pytest.raises(urllib.error.HTTPError) as refused:
            protected_chat.get_json("data/lastinfo", credentials=credentials)
        assert refused.value.code == 401
