"""The page learns the server's history page size (`--history-page-size`) from its meta
tag: with 10 per page, every message of a 95-message room is reachable by scrolling back
(issue 15: the page hard-coded 50 and showed no older pages below that)."""
import time

import pytest

from conftest import running_stack
from harness import newtext, unique, wait_until

COUNT = 95
PAGE_SIZE = 10


@pytest.fixture(scope="module")
def small_pages_chat(request):
    yield from running_stack(request, None, server_args=("--history-page-size", str(PAGE_SIZE)))


def test_every_message_is_reachable_by_scrolling_back_with_ten_per_page(small_pages_chat, browsers):
    chat = small_pages_chat
    room = unique("paged")
    base_ts = int(time.time() * 1000) - COUNT * 1000
    expected = [f"paged line {i}" for i in range(COUNT)]
    chat.publish([(f"rooms/{room}/newtext", newtext("writer", text, f"{room}-{i}", base_ts + i * 1000))
                  for i, text in enumerate(expected)])
    wait_until(lambda: [e[1] for e in chat.lastinfo()["messages"].get(room, [])] == expected[-PAGE_SIZE:],
               what="memorize to store the room, the last page of 10 in /data/lastinfo")

    reader = browsers("reader").open(chat.server.url).join(unique("reader"))
    assert reader.driver.execute_script(
        "return document.querySelector('meta[name=\"chatt-history-page-size\"]')?.content") == str(PAGE_SIZE)
    reader.wait(lambda d: room in reader.rooms(), "the room from the history")
    reader.select_room(room)

    def scrolled_back_to_the_start(d):
        if reader.texts(room) == expected:
            return True
        # Only scrolling: the reader never presses the "older" button.
        d.execute_script("document.getElementById('all_texts').scrollTop = 0")
        return False
    reader.wait(scrolled_back_to_the_start, "every message after scrolling back", timeout=60)
    assert [m["id"] for m in reader.messages(room)] == [f"{room}-{i}" for i in range(COUNT)]
