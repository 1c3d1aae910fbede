"""One headless Chromium driving the ChaTT page, with the few gestures the tests need
(join, send, switch rooms) and readers for what the page shows.

Every browser gets, before any page script runs, a trap for injected code: `alert`,
`confirm` and `prompt` set `window.__pwned` instead of opening a dialog, and every
Content-Security-Policy violation is recorded in `window.__cspViolations` (a blocked
inline handler means some markup from a message reached the DOM as HTML).
"""
from __future__ import annotations

import os

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 15  # seconds: the machine is shared and slow; never a timed assertion

TRAP = """
window.__pwned = undefined;
for (const name of ['alert', 'confirm', 'prompt']) {
  Object.defineProperty(window, name, { value: () => { window.__pwned = name; }, writable: false });
}
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""

# What a message shows, as a reader would copy it: text nodes as they are, pictures
# (emoticons, inline images) by their alt text, which is the source text they replace.
READ_MESSAGES = """
const room = arguments[0];
const log = document.querySelector(`#all_texts .log[data-room="${room}"]`);
if (!log) return null;
const visible = (node) => {
  if (node.nodeType === Node.TEXT_NODE) return node.data;
  if (node.nodeName === 'IMG') return node.getAttribute('alt') ?? '';
  return [...node.childNodes].map(visible).join('');
};
return [...log.querySelectorAll('.msg')].map((m) => ({
  id: m.dataset.id ?? null,
  author: m.querySelector('.author').textContent,
  text: visible(m.querySelector('.text')),
  time: m.querySelector('time')?.getAttribute('datetime') ?? null,
  pending: m.classList.contains('pending'),
}));
"""

# Console messages that are not page errors: the browser's own notes about sockets and
# requests that failed because a test stopped the broker or gave a wrong passphrase.
# http://127.0.0.1:9/ is the dead address that the injection payloads' images point to.
EXPECTED_NOISE = ("WebSocket connection to", "the server responded with a status of 401", "favicon.ico",
                  "http://127.0.0.1:9/",
                  # an upload the server refused (the page shows its reason in the status line)
                  "/data/files?name=")


def chrome_options(width: int = 1200, height: int = 800, network_log: bool = False,
                   host_names: tuple[str, ...] = (), lang: str = "en-US") -> webdriver.ChromeOptions:
    """`host_names` resolve to 127.0.0.1: a page opened by such a name is not a secure
    context (no crypto.subtle), as a chat on a LAN over plain http. `lang`: the browser's
    language (navigator.languages), English unless a test asks for another."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-extensions",
                     f"--lang={lang}", "--force-prefers-reduced-motion",
                     # Nothing leaves the machine: any host but 127.0.0.1 fails to resolve.
                     "--host-resolver-rules=" + "".join(f"MAP {name} 127.0.0.1, " for name in host_names)
                     + "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(argument)
    logs = {"browser": "ALL"}
    if network_log:  # DevTools Network events, for the byte counts of bench/page.sh
        logs["performance"] = "ALL"
    options.set_capability("goog:loggingPrefs", logs)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    return options


class Browser:
    def __init__(self, name: str = "browser", width: int = 1200, height: int = 800, network_log: bool = False,
                 host_names: tuple[str, ...] = (), lang: str = "en-US"):
        self.name = name
        service = Service("/usr/bin/chromedriver", log_output=os.devnull)
        self.driver = webdriver.Chrome(options=chrome_options(width, height, network_log, host_names, lang), service=service)
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TRAP})
        self.console: list[dict] = []

    # --- gestures ------------------------------------------------------------------

    def open(self, url: str) -> "Browser":
        self.driver.get(url)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete", "the page to load")
        return self

    def join(self, nick: str, passphrase: str = "", wait: bool = True) -> "Browser":
        self.element("passphrase").clear()
        if passphrase:
            self.element("passphrase").send_keys(passphrase)
        self.element("nick").clear()
        self.element("nick").send_keys(nick)
        self.element("join").click()
        if wait:
            self.wait_joined()
        return self

    def wait_joined(self, timeout: float = WAIT) -> None:
        """Joined = the chat is shown and the history is loaded (the status line is empty)."""
        self.wait(lambda d: self.element("chat").is_displayed() and self.status() == "",
                  "the chat to open with its history", timeout)

    def send(self, text: str) -> None:
        box = self.element("input_text")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)

    def select_room(self, room: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, f'#all_channels button[data-room="{room}"]').click()
        self.wait(lambda d: self.element("room_title").text == room and self.messages(room) is not None,
                  f"room {room} to show")

    def emulate(self, width: int, height: int, mobile: bool = True) -> None:
        """A phone's viewport (headless Chromium's windows are at least 500 px wide): the
        page is laid out at `width` × `height` CSS px, with the viewport meta tag honoured."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile})

    # --- reading -------------------------------------------------------------------

    def element(self, element_id: str):
        return self.driver.find_element(By.ID, element_id)

    def status(self) -> str:
        return self.driver.execute_script("return document.getElementById('status').textContent")

    def messages(self, room: str) -> list[dict] | None:
        """The messages of a room's log in page order (None until the room was shown)."""
        return self.driver.execute_script(READ_MESSAGES, room)

    def texts(self, room: str) -> list[str]:
        return [m["text"] for m in self.messages(room) or []]

    def scroll_through(self) -> None:
        """Scrolls the message area from its top to its end, a screen at a time with two
        frames each, as a reader would: every message has neared the view, so those made
        many at once show their Markdown (log.js), not their text as it is."""
        self.driver.execute_async_script("""
          const done = arguments[0];
          const texts = document.getElementById('all_texts');
          const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
          (async () => {
            for (let top = 0; top < texts.scrollHeight; top += Math.max(100, texts.clientHeight)) {
              texts.scrollTop = top;
              await frame();
              await frame();
            }
            texts.scrollTop = texts.scrollHeight;
            await frame();
            done();
          })();""")

    def rooms(self) -> list[str]:
        return self.driver.execute_script(
            "return [...document.querySelectorAll('#all_channels button[data-room]')].map((b) => b.dataset.room)")

    def nicks(self) -> list[str]:
        return self.driver.execute_script(
            "return [...document.querySelectorAll('#all_nicks button[data-nick]')].map((b) => b.textContent)")

    def wait(self, condition, what: str, timeout: float = WAIT):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(
            condition, message=f"{self.name}: timed out after {timeout:.0f} s waiting for {what}")

    def wait_text(self, room: str, text: str, timeout: float = WAIT) -> None:
        self.wait(lambda d: text in self.texts(room), f"{text[:60]!r} in room {room}", timeout)

    # --- safety --------------------------------------------------------------------

    def pwned(self):
        """What the injection trap saw: the name of a dialog call, or the value a payload set."""
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            return f"an alert opened: {text}"
        except NoAlertPresentException:
            pass
        return self.driver.execute_script("return window.__pwned")

    def csp_violations(self) -> list[str]:
        return self.driver.execute_script("return window.__cspViolations ?? []")

    def collect_console(self) -> list[dict]:
        self.console += self.driver.get_log("browser")
        return self.console

    def page_errors(self) -> list[str]:
        """Console errors that are the page's fault: exceptions, console.error, failed loads."""
        return [entry["message"] for entry in self.collect_console()
                if entry["level"] == "SEVERE" and not any(noise in entry["message"] for noise in EXPECTED_NOISE)]

    def quit(self) -> None:
        try:
            self.collect_console()
        finally:
            self.driver.quit()
