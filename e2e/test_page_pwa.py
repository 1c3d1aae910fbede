"""The installable app (issue 19, first bullet), checked as Lighthouse would: the manifest is
linked and valid (name, display, start URL, icons that load at their sizes), the service
worker controls the page after a reload, the page opens offline (CDP offline emulation and
the server stopped: only the worker's cache can answer) showing the shell and
"reconnecting" and the history it last saw, a protected chat's history is kept only while
logged in (deleted at the logout), the manifest carries the configured name, and a changed
static file gives a new cache version taken on the next open. The offline shell is
photographed on a phone and a desktop, light and dark, under test-output/."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import PASSPHRASE, running_stack
from harness import ROOT, WEB_ROOT

OUTPUT = ROOT / "test-output"

ASYNC = "const done = arguments[arguments.length - 1]; (async () => { %s })().then(done, (e) => done('ERROR ' + e));"


def run(browser, body: str, *args):
    result = browser.driver.execute_async_script(ASYNC % body, *args)
    assert not (isinstance(result, str) and result.startswith("ERROR ")), result
    return result


CACHED_URLS = """
const urls = [];
for (const name of await caches.keys()) {
  for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
}
return urls;
"""


def controlled(browser) -> bool:
    return browser.driver.execute_script("return navigator.serviceWorker.controller !== null")


def open_controlled(browser, url: str):
    """Opens the page, waits for its worker to be active, reloads: the page is then controlled."""
    browser.open(url)
    run(browser, "await navigator.serviceWorker.ready; return true;")
    browser.driver.refresh()
    browser.wait(lambda d: d.execute_script("return document.readyState") == "complete" and controlled(browser),
                 "the service worker to control the page after a reload")


def cache_names(browser) -> list[str]:
    return run(browser, "return await caches.keys();")


def test_manifest_is_linked_and_valid_and_the_worker_controls_the_page(open_chat, browsers):
    page = browsers("install")
    open_controlled(page, open_chat.server.url)
    manifest = run(page, """
      const link = document.querySelector('link[rel="manifest"]');
      const response = await fetch(link.href);
      const manifest = await response.json();
      const icons = [];
      for (const icon of manifest.icons) {
        const answer = await fetch(new URL(icon.src, link.href));
        const size = icon.type === 'image/png'
          ? await createImageBitmap(await answer.blob()).then((b) => `${b.width}x${b.height}`) : 'any';
        icons.push({ ...icon, status: answer.status, served: answer.headers.get('content-type'), size });
      }
      const themes = [...document.querySelectorAll('meta[name="theme-color"]')].map((m) => m.media);
      return { type: response.headers.get('content-type'), manifest, icons, themes,
               start: new URL(manifest.start_url, link.href).href, scope: navigator.serviceWorker.controller.scriptURL };
    """)
    assert manifest["type"].startswith("application/manifest+json")
    assert manifest["manifest"]["name"] == "ChaTT" and manifest["manifest"]["display"] == "standalone"
    assert manifest["start"] == open_chat.server.url
    assert manifest["scope"] == open_chat.server.url + "sw.js"
    assert sorted(manifest["themes"]) == ["(prefers-color-scheme: dark)", "(prefers-color-scheme: light)"]
    sizes = {(i["type"], i["size"]) for i in manifest["icons"] if i["status"] == 200 and i["served"].startswith(i["type"])}
    assert {("image/png", "192x192"), ("image/png", "512x512"), ("image/svg+xml", "any")} <= sizes
    names = cache_names(page)
    assert len(names) == 1 and names[0].startswith("chatt-shell-")
    urls = run(page, CACHED_URLS)
    assert open_chat.server.url in urls and open_chat.server.url + "static/js/main.js" in urls


def shoot(page, name: str, width: int, height: int, mobile: bool, scheme: str):
    page.emulate(width, height, mobile)
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    page.wait(lambda d: d.execute_script(
        f"return matchMedia('(prefers-color-scheme: {scheme})').matches"), f"the {scheme} scheme")
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"pwa-offline-{name}-{scheme}.png"
    assert page.driver.save_screenshot(str(path))
    assert path.stat().st_size > 5_000


def data_cached(browser) -> list[str]:
    return [url for url in run(browser, CACHED_URLS) if "/data/" in url]


def lastinfo_cached_with(browser, text: str) -> bool:
    return run(browser, """
      const cached = await (await caches.open('chatt-data')).match(arguments[0] + 'data/lastinfo');
      return cached ? (await cached.text()).includes(arguments[1]) : false;
    """, browser.driver.current_url.split("?")[0].split("#")[0], text)


def go_offline(browser):
    browser.driver.execute_cdp_cmd("Network.enable", {})
    browser.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def test_offline_reload_shows_the_shell_reconnecting_and_the_history_it_had(fresh_chat, browsers):
    page = browsers("offline", width=1100, height=700)
    open_controlled(page, fresh_chat.server.url)
    page.element("remember").click()
    page.join("olga")
    said = ["Seen before the network went away", "A second message, kept too"]
    for text in said:
        page.send(text)
        page.wait_text("main", text)
        page.wait(lambda d, text=text: fresh_chat.stored("main", text), "the message stored")
    # The history the page last asked for is what the worker keeps: one more open online.
    page.driver.refresh()
    page.wait_joined()
    page.wait(lambda d: lastinfo_cached_with(page, said[-1]), "the worker to keep the last /data/lastinfo")
    fresh_chat.stop()  # nothing answers on the server's port any more: only the caches can
    go_offline(page)
    page.driver.refresh()
    page.wait(lambda d: d.execute_script("return document.readyState") == "complete", "the offline page to load")
    page.wait(lambda d: "reconnecting" in page.status().lower(), "the status to say reconnecting")
    assert controlled(page)
    # The chat as it was: the room and its messages, the form gone, the style sheet applied.
    page.wait(lambda d: page.element("chat").is_displayed() and not page.element("join_form").is_displayed(),
              "the chat shown from the kept history")
    page.wait(lambda d: all(text in page.texts("main") for text in said),
              "the messages it already had")
    for element_id in ("all_channels", "all_nicks", "all_texts", "input_text", "status"):
        page.element(element_id)
    assert page.driver.execute_script(
        "return getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"  # the style sheet came too
    assert "reconnecting" in page.status().lower()  # the history did not hide the connection's state
    for name, width, height, mobile in (("phone", 390, 844, True), ("desktop", 1100, 700, False)):
        for scheme in ("light", "dark"):
            shoot(page, name, width, height, mobile, scheme)
    page.console = [e for e in page.collect_console() if "ERR_INTERNET_DISCONNECTED" not in e["message"]]


def test_a_protected_chats_history_is_kept_only_while_logged_in(protected_chat, browsers):
    page = browsers("protected")
    open_controlled(page, protected_chat.server.url)
    page.element("remember").click()
    page.join("petra", PASSPHRASE)
    page.send("kept while logged in")
    page.wait_text("main", "kept while logged in")
    page.wait(lambda d: protected_chat.stored("main", "kept while logged in"), "the message stored")
    page.driver.refresh()
    page.wait_joined()
    page.wait(lambda d: lastinfo_cached_with(page, "kept while logged in"), "the worker to keep the history while logged in")
    # Logging out (the remembered login gone, the form shown again): the kept history goes.
    page.driver.execute_script("sessionStorage.clear()")
    page.driver.refresh()
    page.wait(lambda d: page.element("join_form").is_displayed(), "the join form after the logout")
    page.wait(lambda d: not data_cached(page), "the kept history to be deleted at the logout")
    # Offline now, nobody logged in: nothing of the chat to show.
    go_offline(page)
    page.driver.refresh()
    page.wait(lambda d: d.execute_script("return document.readyState") == "complete", "the offline page to load")
    assert page.element("join_form").is_displayed() and not data_cached(page)
    page.console = [e for e in page.collect_console() if "ERR_INTERNET_DISCONNECTED" not in e["message"]]


@pytest.fixture
def named_chat(request):
    yield from running_stack(request, None, server_args=("--name", "Les copains"))


def test_the_app_is_called_by_the_configured_name(named_chat, browsers):
    page = browsers("named")
    page.open(named_chat.server.url)
    manifest = run(page, "return await (await fetch(document.querySelector('link[rel=manifest]').href)).json();")
    assert manifest["name"] == "Les copains" and manifest["short_name"] == "Les copains"
    assert page.driver.title == "Les copains"


@pytest.fixture
def own_web_root(request):
    """A chat serving a copy of web/, so the test can change a static file."""
    folder = Path(tempfile.mkdtemp(prefix="chatt-web-"))
    root = folder / "web"
    shutil.copytree(WEB_ROOT, root)
    try:
        for stack in running_stack(request, None, server_args=("--web-root", str(root))):
            yield stack, root
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_changed_static_file_gives_a_new_cache_version(own_web_root, browsers):
    stack, root = own_web_root
    page = browsers("update")
    open_controlled(page, stack.server.url)
    [before] = cache_names(page)
    style = root / "static" / "css" / "chatt.css"
    style.write_text(style.read_text() + "\n/* a new version */\n")
    run(page, "await (await navigator.serviceWorker.getRegistration()).update(); return true;")
    page.wait(lambda d: len(cache_names(page)) == 1 and cache_names(page) != [before],
              "the new version's cache to replace the old one")
    [after] = cache_names(page)
    assert after.startswith("chatt-shell-")
    # The next open runs the new files, from the new cache.
    page.driver.refresh()
    page.wait(lambda d: d.execute_script("return document.readyState") == "complete" and controlled(page),
              "the page to open again under the worker")
    css = run(page, """
      const sheet = [...document.styleSheets].find((s) => s.href && s.href.endsWith('chatt.css'));
      const cached = await (await caches.open(arguments[0])).match('static/css/chatt.css');
      return [sheet ? (await (await fetch(sheet.href)).text()) : '', cached ? await cached.text() : ''];
    """, after)
    assert all("a new version" in text for text in css)


def test_a_newer_servers_page_gets_its_own_files_on_the_first_open(own_web_root, browsers):
    """The worker of the old version still controls the first open after an update: it must
    not answer that open with its cached (stale) static files."""
    stack, root = own_web_root
    page = browsers("newer")
    open_controlled(page, stack.server.url)
    style = root / "static" / "css" / "chatt.css"
    style.write_text(style.read_text() + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n")
    page.driver.refresh()
    page.wait(lambda d: d.execute_script("return document.readyState") == "complete", "the page to open again")
    assert page.driver.execute_script("return getComputedStyle(document.body).outlineColor") == "rgb(1, 2, 3)"
