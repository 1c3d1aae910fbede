"""Fixtures of the browser tests: real chats (mosquitto + chatt-memorize + chatt-server)
and headless Chromiums. Every fixture stops what it started; when a test failed, the
daemons' logs are printed so the failure can be read without running it again."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from browser import Browser
from harness import BIN, Stack

PASSPHRASE = "e2e passphrase"


def pytest_sessionstart(session):
    missing = [name for name in ("chatt-memorize", "chatt-server", "chatt-genpass") if not (BIN / name).exists()]
    if missing:
        pytest.exit(f"build first (swift build --build-tests): {', '.join(missing)} not in {BIN}", returncode=2)


def running_stack(request, passphrase: str | None, server_args: tuple[str, ...] = (), configure=None):
    """Starts a stack (after `configure(stack)`, when given, has changed its parts); yields it;
    stops it, printing the daemons' logs if a test failed."""
    workdir = Path(tempfile.mkdtemp(prefix="chatt-e2e-"))
    stack = Stack(workdir, passphrase, server_args=server_args)
    if configure is not None:
        configure(stack)
    failed_before = request.session.testsfailed
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        if request.session.testsfailed > failed_before:
            print(f"\n{stack.logs()}")
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def open_chat(request):
    """An unprotected chat shared by a module's tests (each uses its own rooms and nicks)."""
    yield from running_stack(request, None)


@pytest.fixture(scope="module")
def protected_chat(request):
    """A chat protected by PASSPHRASE: the broker's password file and HTTP Basic."""
    yield from running_stack(request, PASSPHRASE)


@pytest.fixture
def fresh_chat(request):
    """A chat of the test's own, for tests that stop and start its parts."""
    yield from running_stack(request, None)


@pytest.fixture
def browsers():
    """`browsers()` opens a new headless Chromium (independent profile each time). At the
    end every one is closed, and the test fails if any page logged a JavaScript error."""
    opened: list[Browser] = []

    def open_browser(name: str | None = None, **options) -> Browser:
        browser = Browser(name or f"browser{len(opened) + 1}", **options)
        opened.append(browser)
        return browser

    yield open_browser
    errors = []
    for browser in opened:
        try:
            errors += [f"{browser.name}: {message}" for message in browser.page_errors()]
        finally:
            browser.quit()
    assert not errors, "the page logged errors:\n" + "\n".join(errors)
