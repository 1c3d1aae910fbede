"""Issue 18, item 2: a burst of 2,000 messages into an open room. Every one arrives (the
last is shown at the end), the room's DOM keeps a window of the latest (older nodes are
dropped) and scrolling back makes the dropped ones again, in order. The timing figures
(shown in under 1 s, no main-thread task over 100 ms) are measured by bench/page.sh."""
from harness import newtext, unique

COUNT = 2000
WINDOW = 300  # web/static/js/log.js

SHOWN = """
const log = document.querySelector(`#all_texts .log[data-room="${arguments[0]}"]`);
return log ? log.querySelectorAll('.msg').length : 0;
"""


def test_a_burst_of_2000_arrives_whole_and_the_dom_keeps_a_window(open_chat, browsers):
    room = unique("burst")
    open_chat.publish([(f"rooms/{room}/new", "")])
    reader = browsers("reader").open(open_chat.server.url).join(unique("reader"))
    reader.wait(lambda d: room in reader.rooms(), "the new room")
    reader.select_room(room)

    texts = [f"burst {i}" for i in range(COUNT)]
    open_chat.publish([(f"rooms/{room}/newtext", newtext("flood", text, f"{room}-{i}"))
                       for i, text in enumerate(texts)])
    reader.wait(lambda d: reader.texts(room)[-1:] == texts[-1:], "the last message of the burst", timeout=60)
    shown = reader.texts(room)
    assert len(shown) <= WINDOW, f"{len(shown)} messages in the DOM"
    assert shown == texts[-len(shown):], "the window holds the latest, in order"
    assert reader.driver.execute_script(
        "const t = document.getElementById('all_texts'); return t.scrollHeight - t.scrollTop - t.clientHeight") < 2

    # Scrolling back makes the dropped ones again, up to the first of the burst.
    def back_to_the_first(d):
        if reader.texts(room)[:1] == texts[:1]:
            return True
        d.execute_script("document.getElementById('all_texts').scrollTop = 0")
        return False
    reader.wait(back_to_the_first, "the first message of the burst after scrolling back", timeout=60)
    assert reader.texts(room) == texts
