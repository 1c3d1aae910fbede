"""Issue 18, its last two items, in Chromium against the real stack.

Search: across all rooms (a choice beside the box), more than 50 results paged with the
count saying "50+", matches in <mark>, `from:nick`, Enter on a result opens its room at
the message (older pages loaded when it is not in the page yet).

Rooms: a topic set in one browser shows in another and after a reload; archiving hides
the room in both, "Archived rooms" lists it, posting to it brings it back. Screenshots
(phone 390x844 and desktop, light and dark) under test-output/."""
import json
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import ROOT, newtext, unique

OUTPUT = ROOT / "test-output"

RESULTS = """
return [...document.querySelectorAll('#search_results button.result')].map((b) => ({
  room: b.dataset.resultRoom, key: Number(b.dataset.key),
  text: b.querySelector('.result-text').textContent,
  marks: [...b.querySelectorAll('mark')].map((m) => m.textContent),
  scripts: b.querySelectorAll('script, img').length,
}))
"""


def count_text(page) -> str:
    return page.driver.execute_script(
        "return document.querySelector('#search_results .results-count')?.textContent ?? ''")


def search(page, query: str, scope: str) -> None:
    page.driver.execute_script(
        "const s = document.getElementById('search_scope'); s.value = arguments[0];", scope)
    box = page.element("search")
    box.clear()
    box.send_keys(query)
    box.send_keys(Keys.ENTER)


def test_search_all_rooms_paged_highlighted_from_and_jump(fresh_chat, browsers):
    word = unique("zebra").replace("-", "")
    far, near = unique("far"), unique("near")
    # 70 matches: 60 in `far` (its first is 300 messages back), 10 in `near`, by two authors.
    messages = [(f"rooms/{far}/new", ""), (f"rooms/{near}/new", "")]
    messages.append((f"rooms/{far}/newtext", newtext("ann", f"the very first {word} <b>bold</b>", unique("m"))))
    messages += [(f"rooms/{far}/newtext", newtext("cy", f"filler {i}", unique("m"))) for i in range(300)]
    messages += [(f"rooms/{far}/newtext", newtext("ann" if i % 2 else "bob", f"{word} number {i}", unique("m")))
                 for i in range(59)]
    messages += [(f"rooms/{near}/newtext", newtext("bob", f"{word.upper()}s in {near} {i}", unique("m")))
                 for i in range(10)]
    fresh_chat.publish(messages)
    page = browsers("searcher").open(fresh_chat.server.url).join(unique("seeker"))
    page.wait(lambda d: fresh_chat.stored(near, f"{word.upper()}s in {near} 9"), "the messages to be stored")

    search(page, word, "all")
    page.wait(lambda d: len(page.driver.execute_script(RESULTS)) == 50, "the first 50 results")
    assert count_text(page).startswith("50+ results"), count_text(page)
    first = page.driver.execute_script(RESULTS)
    assert {r["room"] for r in first} == {far, near}
    assert first[0]["marks"] == [f"{word.upper()}s"], first[0]
    page.driver.find_element(By.CSS_SELECTOR, "#search_results button.more-results").click()
    page.wait(lambda d: len(page.driver.execute_script(RESULTS)) == 70, "all 70 results after 'More results'")
    assert count_text(page).startswith("70 results"), count_text(page)
    assert not page.driver.find_elements(By.CSS_SELECTOR, "#search_results button.more-results")
    results = page.driver.execute_script(RESULTS)
    oldest = results[-1]
    assert oldest["text"] == f"the very first {word} <b>bold</b>" and oldest["marks"] == [word]
    assert all(r["scripts"] == 0 for r in results)

    # Enter on the oldest result (reached with the arrow keys from the search box): its room
    # opens there, 300 messages back.
    page.element("search").send_keys(Keys.ARROW_DOWN)
    for _ in range(69):
        page.driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert page.driver.switch_to.active_element.get_attribute("data-key") == str(oldest["key"])
    page.driver.switch_to.active_element.send_keys(Keys.ENTER)
    page.wait(lambda d: page.element("room_title").text == far, "the result's room to open")
    page.wait(lambda d: d.execute_script(
        "const n = document.querySelector(`#all_texts .msg[data-key=\"${arguments[0]}\"]`);"
        "if (!n) return false; const r = n.getBoundingClientRect(), a = document.getElementById('all_texts').getBoundingClientRect();"
        "return n.classList.contains('flash') && r.top >= a.top - 1 && r.bottom <= a.bottom + 1", oldest["key"]),
        "the message to be shown and flashed", timeout=30)

    # from:nick, alone and with words; this room only.
    search(page, "from:bob", "all")
    page.wait(lambda d: count_text(page).startswith("40 results"), "bob's 40 messages")
    search(page, f"from:ann {word}", "room")
    page.wait(lambda d: count_text(page).startswith("30 results"), "ann's 30 matches in this room")
    assert {r["room"] for r in page.driver.execute_script(RESULTS)} == {far}
    search(page, word, "all")
    page.wait(lambda d: count_text(page).startswith("50+ results"), "the search in all rooms again")
    for theme in ("light", "dark"):
        page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                    {"features": [{"name": "prefers-color-scheme", "value": theme}]})
        page.driver.save_screenshot(str(OUTPUT / f"search-desktop-{theme}.png"))
        page.emulate(390, 844)
        page.driver.save_screenshot(str(OUTPUT / f"search-phone-{theme}.png"))
        page.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def topic_of(page) -> str:
    return page.element("room_topic").text


def test_topic_and_archive_between_two_browsers(fresh_chat, browsers):
    room = unique("trip")
    ann = browsers("ann").open(fresh_chat.server.url).join(unique("ann"))
    bob = browsers("bob").open(fresh_chat.server.url).join(unique("bob"))
    ann.element("new_room_name").send_keys(room)
    ann.element("new_room").click()
    bob.wait(lambda d: room in bob.rooms(), "the new room at bob's")
    bob.select_room(room)
    ann.send(f"hello {room}")
    bob.wait_text(room, f"hello {room}")

    ann.element("edit_topic").click()
    ann.element("topic_text").send_keys("Lisbon in May, bring sunscreen")
    ann.element("topic_text").send_keys(Keys.ENTER)
    ann.wait(lambda d: topic_of(ann) == "Lisbon in May, bring sunscreen", "the topic at ann's")
    bob.wait(lambda d: topic_of(bob) == "Lisbon in May, bring sunscreen", "the topic live at bob's")
    bob.wait(lambda d: (fresh_chat.lastinfo().get("topics") or {}).get(room, {}).get("text")
             == "Lisbon in May, bring sunscreen", "the topic stored")
    bob.driver.refresh()
    bob.join(unique("bob2"))
    bob.select_room(room)
    bob.wait(lambda d: topic_of(bob) == "Lisbon in May, bring sunscreen", "the topic after a reload")

    for theme in ("light", "dark"):
        ann.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": theme}]})
        ann.driver.save_screenshot(str(OUTPUT / f"rooms-desktop-{theme}.png"))
        ann.emulate(390, 844)
        ann.driver.save_screenshot(str(OUTPUT / f"rooms-phone-{theme}.png"))
        ann.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # Archive: gone from both lists, listed under "Archived rooms", history kept.
    ann.element("archive_room").click()
    ann.wait(lambda d: room not in ann.rooms() and ann.element("room_title").text == "main", "the room hidden at ann's")
    bob.select_room("main")
    bob.wait(lambda d: room not in bob.rooms(), "the room hidden at bob's")
    bob.wait(lambda d: room in (fresh_chat.lastinfo().get("archived") or []), "the archive stored")
    bob.element("show_archived").click()
    listed = bob.driver.find_elements(By.CSS_SELECTOR, f'#archived_rooms button[data-room="{room}"]')
    assert listed and listed[0].is_displayed()
    bob.driver.save_screenshot(str(OUTPUT / "rooms-archived-desktop.png"))
    listed[0].click()
    bob.wait(lambda d: bob.element("room_title").text == room and f"hello {room}" in bob.texts(room),
             "the archived room opened with its history")

    # Posting to it brings it back for everyone.
    bob.send("we are going after all")
    ann.wait(lambda d: room in ann.rooms(), "the room back at ann's")
    bob.select_room("main")
    bob.wait(lambda d: room in bob.rooms(), "the room back at bob's")
    bob.wait(lambda d: room not in (fresh_chat.lastinfo().get("archived") or []), "unarchived in the store")

    # Archived again, then shown again from the list's "Unarchive" button.
    ann.select_room(room)
    ann.element("archive_room").click()
    bob.wait(lambda d: room not in bob.rooms(), "the room hidden again at bob's")
    if bob.element("show_archived").get_attribute("aria-expanded") != "true":
        bob.element("show_archived").click()
    bob.driver.find_element(By.CSS_SELECTOR, f'#archived_rooms button[data-unarchive="{room}"]').click()
    ann.wait(lambda d: room in ann.rooms(), "the room back at ann's after Unarchive")
    bob.wait(lambda d: room in bob.rooms() and not bob.element("show_archived").is_displayed(), "the room back at bob's")
    assert not ann.page_errors() and not bob.page_errors()


def test_a_topic_for_a_room_nobody_created_is_ignored(fresh_chat, browsers):
    ghost = unique("ghost")
    page = browsers("page").open(fresh_chat.server.url).join(unique("ann"))
    fresh_chat.publish([(f"rooms/{ghost}/topic", '{"author":"eve","id":"evt-ghost01","ts":%d,"text":"boo"}' % int(time.time() * 1000)),
                        ("rooms/main/newtext", newtext("bob", "after the ghost", unique("m")))])
    page.wait_text("main", "after the ghost")
    assert ghost not in page.rooms()
    assert ghost not in (fresh_chat.lastinfo().get("topics") or {})


def test_payloads_as_topics_and_search_results_run_nothing(fresh_chat, browsers):
    from test_page_injection import PAYLOADS, assert_nothing_ran
    room = unique("odd")
    reader = browsers("reader").open(fresh_chat.server.url).join(unique("reader"))
    payloads = [p for p in PAYLOADS if len(p.encode()) <= 500 and "\n" not in p and "\r" not in p][:20]
    now = int(time.time() * 1000)
    fresh_chat.publish([(f"rooms/{room}/new", "")]
                       + [(f"rooms/{room}/newtext", newtext("tester", f"needle {p}", unique("m"))) for p in payloads]
                       + [(f"rooms/{room}/topic", json.dumps({"author": "tester", "id": f"evt-topic-{i:03d}", "ts": now + i,
                                                               "text": p})) for i, p in enumerate(payloads)])
    reader.wait(lambda d: room in reader.rooms(), "the room")
    reader.select_room(room)
    reader.wait(lambda d: topic_of(reader) == payloads[-1], "the last payload as the topic, shown literally")
    search(reader, "needle", "all")
    reader.wait(lambda d: len(reader.driver.execute_script(RESULTS)) == len(payloads), "every payload as a result")
    shown = [r["text"] for r in reader.driver.execute_script(RESULTS)]
    assert shown == [f"needle {p}" for p in reversed(payloads)]
    assert_nothing_ran(reader)
