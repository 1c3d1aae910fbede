"""Issue 18, item 4, "lists you can trust": rooms and users in a stable order right after
joining (`main` first, then by name; online before offline); a reader who never speaks
says hello again while connected (memorize forgets a silent user at 10 minutes);
closing one of two tabs of a nickname does not hide the other; a nickname that comes
back is listed again."""
import threading

from harness import unique

# Fake timers for the page: an interval of a minute or more runs every 300 ms, so the
# page's "hello again every few minutes" shows in a test that lasts seconds.
FAST_TIMERS = """
const realSetInterval = window.setInterval.bind(window);
window.setInterval = (fn, ms, ...rest) => realSetInterval(fn, ms >= 60000 ? 300 : ms, ...rest);
"""

ONLINE = "return [...document.querySelectorAll('#all_nicks li:not(.offline) button[data-nick]')].map((b) => b.textContent)"
OFFLINE = "return [...document.querySelectorAll('#all_nicks li.offline button[data-nick]')].map((b) => b.textContent)"


class Watch:
    """A paho subscriber counting users/<nick>/hello and .../logout."""

    def __init__(self, chat, nick):
        self.counts = {"hello": 0, "logout": 0}
        self.lock = threading.Lock()
        subscribed = threading.Event()
        self.client = chat.mqtt_client()
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.on_message = self.on_message
        self.client.subscribe(f"users/{nick}/+", qos=1)
        assert subscribed.wait(15)

    def on_message(self, _client, _userdata, message):
        verb = message.topic.rsplit("/", 1)[1]
        with self.lock:
            if verb in self.counts:
                self.counts[verb] += 1

    def count(self, verb):
        with self.lock:
            return self.counts[verb]

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


def test_lists_are_in_order_right_after_joining(fresh_chat, browsers):
    tag = unique("x")[-6:]
    rooms = [f"zz-{tag}", f"Mm-{tag}", f"aa-{tag}", f"bb-{tag}"]
    users = [f"zz{tag}", f"Mm{tag}", f"aa{tag}", f"bb{tag}"]
    fresh_chat.publish([(f"rooms/{room}/new", "") for room in rooms] +
                       [(f"users/{user}/hello", '{"ipAddress": "127.0.0.1"}') for user in users])
    reader = browsers("reader").open(fresh_chat.server.url).join("reader")
    expected_rooms = ["main"] + sorted(rooms, key=str.lower)
    reader.wait(lambda d: reader.rooms() == expected_rooms, f"rooms in the order {expected_rooms}")
    expected_users = sorted(users + ["bot", "reader"], key=str.lower)
    reader.wait(lambda d: d.execute_script(ONLINE) == expected_users, f"users in the order {expected_users}")


def test_a_silent_reader_stays_present_and_two_tabs_of_a_nick_count_as_one(open_chat, browsers):
    nick = unique("quiet")
    watch = Watch(open_chat, nick)
    try:
        observer = browsers("observer").open(open_chat.server.url).join(unique("observer"))
        first = browsers("first tab")
        first.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAST_TIMERS})
        first.open(open_chat.server.url).join(nick)
        # Hello again while connected, without a word said.
        first.wait(lambda d: watch.count("hello") >= 3, "hello again while connected")
        observer.wait(lambda d: nick in d.execute_script(ONLINE), "the quiet reader listed online")

        second = browsers("second tab").open(open_chat.server.url).join(nick)
        second.wait(lambda d: nick in d.execute_script(ONLINE), "the second tab joined")
        logouts = watch.count("logout")
        first.driver.get("about:blank")  # the first tab closes: it says logout
        first.wait(lambda d: watch.count("logout") > logouts, "the first tab's logout")
        observer.wait(lambda d: nick in d.execute_script(ONLINE) and watch.count("hello") > 3,
                      "the nickname still online: its second tab is open")

        second.driver.get("about:blank")
        observer.wait(lambda d: nick in d.execute_script(OFFLINE), "the nickname listed offline, after the online ones")
        assert d_online_before_offline(observer)
        browsers("back").open(open_chat.server.url).join(nick)
        observer.wait(lambda d: nick in d.execute_script(ONLINE), "the nickname listed online again")
    finally:
        watch.close()


def d_online_before_offline(browser) -> bool:
    classes = browser.driver.execute_script(
        "return [...document.querySelectorAll('#all_nicks li')].map((li) => li.classList.contains('offline'))")
    return classes == sorted(classes)
