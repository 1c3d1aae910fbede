"""Issue 18, item 1: an `:img:` among the recent messages must not leave the room above
its end when the picture arrives after the room opened, and later messages still scroll
into view. The picture comes from a loopback server that answers only when the test says
so, so it always loads after the page scrolled to the end."""
import http.server
import threading
import time

import pytest

from harness import free_port, newtext, unique, wait_until

PICTURE = (b'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="420">'
           b'<rect width="240" height="420" fill="#3a7"/></svg>')

AT_END = """
const t = document.getElementById('all_texts');
return t.scrollHeight - t.scrollTop - t.clientHeight;
"""


class SlowPictures:
    """An HTTP server on 127.0.0.1 whose answers wait for `release()`."""

    def __init__(self):
        self.released = threading.Event()
        self.requests = 0
        pictures = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                pictures.requests += 1
                pictures.released.wait(30)
                self.send_response(200)
                self.send_header("Content-Type", "image/svg+xml")
                self.send_header("Content-Length", str(len(PICTURE)))
                self.end_headers()
                self.wfile.write(PICTURE)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}.svg"

    def release(self):
        self.released.set()

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pictures():
    server = SlowPictures()
    yield server
    server.close()


def test_a_late_picture_keeps_the_room_at_its_end(open_chat, browsers, pictures):
    room = unique("pictures")
    base_ts = int(time.time() * 1000) - 60_000
    lines = [f"line {i} of the room" for i in range(40)]
    lines[-3] = f"look :img:({pictures.url('lake')})"
    open_chat.publish([(f"rooms/{room}/newtext", newtext("sam", text, f"{room}-{i}", base_ts + i * 1000))
                       for i, text in enumerate(lines)])
    wait_until(lambda: open_chat.stored(room, lines[-1]), what="memorize to store the room")

    reader = browsers("reader", width=1000, height=600).open(open_chat.server.url).join(unique("reader"))
    reader.wait(lambda d: room in reader.rooms(), "the room from the history")
    reader.select_room(room)
    reader.wait(lambda d: pictures.requests > 0, "the page to ask for the picture")
    assert reader.driver.execute_script(AT_END) < 2, "the room opens at its end"

    pictures.release()
    reader.wait(lambda d: d.execute_script(
        "const i = document.querySelector('#all_texts img.inline-image'); return i.complete && i.naturalHeight > 0"),
        "the picture to load")
    # Two frames: whatever the loaded picture changes is laid out (and, before, reported).
    reader.driver.execute_async_script(
        "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()))")
    assert reader.driver.execute_script(AT_END) < 2, "the loaded picture pushed the room's end out of view"

    later = f"a later message {unique('x')}"
    open_chat.publish([(f"rooms/{room}/newtext", newtext("sam", later))])
    reader.wait_text(room, later)
    reader.wait(lambda d: d.execute_script(AT_END) < 2, "the later message to scroll into view")
