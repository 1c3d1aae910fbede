"""Issue 18, item 3, "what you missed": unread counts survive a reload (kept per nickname
in the browser with the last-read message per room); a "new messages" line at the first
unread message when a room opens; the tab title and icon show the count ("(3) ChaTT");
day separators instead of a date on every line; "jump to latest ↓ (N new)" when scrolled up."""
import datetime
import time

from harness import newtext, unique, wait_until

BADGE = "return document.querySelector(`#all_channels button[data-room=\"${arguments[0]}\"] .unread`).textContent"
ICON = "return document.querySelector('link[rel=\"icon\"]').getAttribute('href')"
AFTER_LINE = """
const line = document.querySelector(`#all_texts .log[data-room="${arguments[0]}"] .new-line`);
return line && line.nextElementSibling ? line.nextElementSibling.querySelector('.text').textContent : null;
"""
DAY_LABELS = """
return [...document.querySelectorAll(`#all_texts .log[data-room="${arguments[0]}"] .msg`)]
  .map((m) => [m.querySelector('.text').textContent, m.dataset.dayLabel ?? null]).filter(([, label]) => label);
"""


def test_unread_survives_a_reload_and_shows_where_it_starts(open_chat, browsers):
    chat = open_chat
    room, nick = unique("missed"), unique("reader")
    now = int(time.time() * 1000)
    old_ts = now - 23 * 3600 * 1000  # within the day memorize believes a sender's time
    before = [f"before {i}" for i in range(40)]
    chat.publish([(f"rooms/{room}/newtext", newtext("sam", text, f"{room}-b{i}", old_ts + i * 1000))
                  for i, text in enumerate(before)])
    wait_until(lambda: chat.stored(room, before[-1]), what="the earlier messages stored")

    reader = browsers("reader").open(chat.server.url).join(nick)
    assert reader.driver.title == "ChaTT"
    plain_icon = reader.driver.execute_script(ICON)
    reader.wait(lambda d: room in reader.rooms(), "the room")
    reader.select_room(room)  # read up to "before 39"
    reader.select_room("main")

    missed = [f"missed {i}" for i in range(3)]
    chat.publish([(f"rooms/{room}/newtext", newtext("sam", text, f"{room}-m{i}", now + i)) for i, text in enumerate(missed)])
    reader.wait(lambda d: d.execute_script(BADGE, room) == "3", "3 unread in the room's badge")
    reader.wait(lambda d: d.title == "(3) ChaTT", "the count in the title")
    assert reader.driver.execute_script(ICON) != plain_icon
    assert reader.driver.execute_script(ICON).startswith("data:image/svg+xml,")
    wait_until(lambda: chat.stored(room, missed[-1]), what="the missed messages stored")

    # A reload (and a join again) keeps the count: the read marks live in the browser.
    reader.driver.refresh()
    reader.join(nick)
    reader.wait(lambda d: room in reader.rooms() and d.execute_script(BADGE, room) == "3",
                "3 unread after the reload")
    assert reader.driver.title == "(3) ChaTT"

    reader.select_room(room)
    assert reader.driver.execute_script(AFTER_LINE, room) == "missed 0", "the line is at the first unread message"
    reader.wait(lambda d: d.title == "ChaTT", "the title without a count once the room is read")
    assert reader.driver.execute_script(ICON) == plain_icon

    # Day separators: one above each day's first message, none on the other lines.
    local = datetime.datetime.fromtimestamp
    first_day = "Yesterday" if local(old_ts / 1000).date() < local(now / 1000).date() else "Today"
    expected = [["before 0", first_day]] + ([["missed 0", "Today"]] if first_day == "Yesterday" else [])
    assert reader.driver.execute_script(DAY_LABELS, room) == expected
    assert all(len(t) == 5 for t in reader.driver.execute_script(
        f"return [...document.querySelectorAll('#all_texts .log[data-room=\"{room}\"] time')].map((t) => t.textContent)"))

    # Scrolled up: "jump to latest" says how many came since; it brings the end back.
    reader.driver.execute_script("document.getElementById('all_texts').scrollTop = 0")
    reader.wait(lambda d: reader.element("jump_latest").is_displayed(), "the jump-to-latest button")
    chat.publish([(f"rooms/{room}/newtext", newtext("sam", "one more", f"{room}-x"))])
    reader.wait(lambda d: "(1 new)" in reader.element("jump_latest").text, "the count of new messages on the button")
    assert reader.driver.title == "(1) ChaTT"
    reader.element("jump_latest").click()
    reader.wait(lambda d: not reader.element("jump_latest").is_displayed() and d.title == "ChaTT",
                "the end in view, the button gone, nothing unread")


def test_jump_to_the_first_unread_message(open_chat, browsers):
    chat = open_chat
    room, nick = unique("many"), unique("reader")
    chat.publish([(f"rooms/{room}/newtext", newtext("sam", "read before", f"{room}-r"))])
    reader = browsers("reader").open(chat.server.url).join(nick)
    reader.wait(lambda d: room in reader.rooms(), "the room")
    reader.select_room(room)
    reader.select_room("main")
    missed = [f"unread {i}" for i in range(60)]
    now = int(time.time() * 1000)
    chat.publish([(f"rooms/{room}/newtext", newtext("sam", text, f"{room}-u{i}", now + i)) for i, text in enumerate(missed)])
    reader.wait(lambda d: d.execute_script(BADGE, room) == "60", "60 unread")

    reader.select_room(room)  # opens at its end: the line is far above
    reader.wait(lambda d: reader.element("jump_unread").is_displayed(), "the jump-to-first-unread button")
    reader.element("jump_unread").click()
    reader.wait(lambda d: d.execute_script(
        "const line = document.querySelector('#all_texts .log:not([hidden]) .new-line').getBoundingClientRect();"
        "const area = document.getElementById('all_texts').getBoundingClientRect();"
        "return line.top >= area.top - 1 && line.bottom <= area.bottom")
        and not reader.element("jump_unread").is_displayed(), "the 'new messages' line in view")
    assert reader.driver.execute_script(AFTER_LINE, room) == "unread 0"
