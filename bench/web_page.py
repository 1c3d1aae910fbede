"""The page's files served from web/ on a loopback port, with headless Chromium open on
index.html: what the in-browser benchmarks (markdown.py, identity.py) run their scripts in."""
from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "e2e"))
from browser import Browser  # noqa: E402


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def page_in_chromium(width: int = 1200, height: int = 800):
    """Yields a Browser on web/index.html served from 127.0.0.1; stops both afterwards."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(QuietHandler, directory=str(ROOT / "web")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = Browser("bench", width=width, height=height)
    try:
        browser.open(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        yield browser
    finally:
        browser.quit()
        server.shutdown()
