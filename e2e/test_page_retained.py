"""A retained `newtext` (issue 14, item 10): anybody may publish one, and the broker hands it
to every page that subscribes, on every reconnect. Without an id the page cannot tell it
from a new message, so it showed an old message again at the end of the room, as new.
The page now takes `newtext` live only; history comes from the server."""
import subprocess

from harness import WAIT, newtext, unique, wait_until


def test_a_retained_newtext_is_not_shown_as_a_new_message(open_chat, browsers):
    room = unique("retained")
    old = f"old news {unique('x')}"
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(open_chat.broker.port), "-q", "1", "-r",
                    "-t", f"rooms/{room}/newtext", "-m", newtext("ann", old)], check=True, timeout=15)
    try:
        # 60 later messages: the first page of history (the last 50) no longer holds it.
        later = [f"later {n}" for n in range(60)]
        open_chat.publish([(f"rooms/{room}/newtext", newtext("bob", text, f"{room}-{n}"))
                           for n, text in enumerate(later)])
        wait_until(lambda: open_chat.stored(room, later[-1]), timeout=WAIT, what="the later messages stored")

        reader = browsers("reader").open(open_chat.server.url).join(unique("reader"))
        reader.wait(lambda d: room in reader.rooms(), "the room in the list")
        reader.select_room(room)
        reader.wait_text(room, later[-1])
        marker = f"marker {unique('m')}"
        open_chat.publish([(f"rooms/{room}/newtext", newtext("bob", marker, unique("id")))])
        reader.wait_text(room, marker)  # anything the broker sent on subscribing came before it

        texts = reader.texts(room)
        assert old not in texts, f"the retained message was shown again ({texts.index(old) + 1} of {len(texts)})"
        assert texts[-2:] == [later[-1], marker]
    finally:
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(open_chat.broker.port), "-r", "-n",
                        "-t", f"rooms/{room}/newtext"], check=True, timeout=15)
