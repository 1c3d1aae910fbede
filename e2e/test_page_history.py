"""History: what was said before the page opened is shown, older pages come on scroll
up or with the "older" button, and nothing is shown twice."""
import time

from harness import newtext, unique, wait_until

COUNT = 130  # between two and three pages of 50


def test_history_shows_on_open_and_older_pages_load_without_duplicates(open_chat, browsers):
    room = unique("history")
    base_ts = int(time.time() * 1000) - COUNT * 1000
    expected = [f"history line {i}" for i in range(COUNT)]
    open_chat.publish([(f"rooms/{room}/newtext", newtext(f"writer{i % 3}", text, f"{room}-{i}", base_ts + i * 1000))
                       for i, text in enumerate(expected)])
    wait_until(lambda: [e[1] for e in open_chat.lastinfo()["messages"].get(room, [])][-1:] == [expected[-1]],
               what="memorize to store the last message")
    first_page = [e[1] for e in open_chat.lastinfo()["messages"][room]]
    assert first_page == expected[-len(first_page):] and len(first_page) < COUNT

    reader = browsers("reader").open(open_chat.server.url).join(unique("reader"))
    reader.wait(lambda d: room in reader.rooms(), "the room from the history")
    reader.select_room(room)
    assert reader.texts(room) == first_page
    assert reader.element("older").is_displayed()

    # Scrolling to the top fetches the page before.
    reader.driver.execute_script("document.getElementById('all_texts').scrollTop = 0")
    reader.wait(lambda d: len(reader.texts(room)) > len(first_page), "an older page after scrolling up")
    assert reader.texts(room) == expected[-len(reader.texts(room)):]

    # The button fetches the rest; it hides when the start of the room is reached.
    def all_loaded(d):
        if len(reader.texts(room)) == COUNT and not reader.element("older").is_displayed():
            return True
        if reader.element("older").is_displayed():
            reader.driver.execute_script("document.getElementById('older').click()")
        return False
    reader.wait(all_loaded, "every older page")

    shown = reader.messages(room)
    assert [m["text"] for m in shown] == expected
    assert [m["id"] for m in shown] == [f"{room}-{i}" for i in range(COUNT)]
    assert [m["author"] for m in shown] == [f"writer{i % 3}" for i in range(COUNT)]
