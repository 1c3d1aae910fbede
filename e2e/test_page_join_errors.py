"""Joining goes wrong: a wrong passphrase gets a clear message and the form back (and the
page still works with the right one); a broker that is down gets a clear message and
the page shows the chat as the history has it and keeps trying until it is up."""
from conftest import PASSPHRASE
from harness import unique


def test_a_wrong_passphrase_gets_a_clear_message_and_the_form_back(protected_chat, browsers):
    page = browsers("page").open(protected_chat.server.url)
    page.join(unique("ann"), "not the passphrase", wait=False)
    page.wait(lambda d: "passphrase" in page.status() and "refused" in page.status(), "a message about the passphrase")
    assert page.driver.execute_script("return document.getElementById('status').dataset.kind") == "error"
    assert page.element("join_form").is_displayed()
    assert not page.element("chat").is_displayed()

    # An empty passphrase is refused before anything is sent: this chat says it is protected.
    page.join(unique("ann"), "", wait=False)
    page.wait(lambda d: "protected" in page.status(), "a message saying the chat is protected")

    # No crash: the same page joins with the right passphrase.
    page.join(unique("ann"), PASSPHRASE)
    page.send("made it")
    page.wait(lambda d: [m["pending"] for m in page.messages("main") if m["text"] == "made it"] == [False],
              "the message to be confirmed")


def test_a_broker_that_is_down_at_join_gets_a_message_and_a_retry(fresh_chat, browsers):
    fresh_chat.broker.stop()
    page = browsers("page").open(fresh_chat.server.url)
    page.join(unique("ann"), wait=False)
    page.wait(lambda d: "cannot reach the broker" in page.status().lower() and "trying again" in page.status(),
              "a message saying the broker cannot be reached")
    # While it keeps trying, the chat is shown as the history has it (issue 19: the app shows
    # what it has, and "reconnecting"), not the form.
    page.wait(lambda d: page.element("chat").is_displayed(), "the chat from the history while it keeps trying")

    fresh_chat.broker.start()
    page.wait_joined(timeout=60)  # the page backs off 1, 2, 4, 8, 16 s between tries
    page.send("the broker is back")
    page.wait(lambda d: [m["pending"] for m in page.messages("main") if m["text"] == "the broker is back"] == [False],
              "the message to be confirmed")
