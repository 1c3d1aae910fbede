"""The picture of the page for the README (docs/screenshot.png, see below): two people, an
emoticon, a link, a mention, a second room. The nicknames are chosen for distinct
colours (alice blue, sam red, bot purple). Taken from a real run, so it is also a test
that these render (emoticon pictures, a link with an http(s) address)."""
import os
import shutil

from harness import ROOT

# Every run saves the picture under test-output/ (ignored by git); with
# CHATT_UPDATE_SCREENSHOT=1 it also replaces the README's docs/screenshot.png, so a
# test run does not leave the work tree changed by the clock shown in the picture.
SCREENSHOT = ROOT / "test-output" / "screenshot.png"
README_SCREENSHOT = ROOT / "docs" / "screenshot.png"


def test_a_screenshot_of_a_short_conversation(open_chat, browsers):
    alice = browsers("alice", width=1100, height=640).open(open_chat.server.url).join("alice")
    sam = browsers("sam", width=1100, height=640).open(open_chat.server.url).join("sam")
    sam.element("new_room_name").send_keys("holidays")
    sam.element("new_room").click()
    sam.select_room("main")

    lines = [
        (sam, "Hi alice :) did you get the photos?"),
        (alice, "Yes! The lake one is lovely ^^"),
        (sam, "@alice: the recipe is here https://www.swift.org/getting-started/ (page 2)"),
        (alice, "Thanks, trying it tonight ;)"),
    ]
    for who, text in lines:
        who.send(text)
        for browser in (alice, sam):
            browser.wait_text("main", text)
    alice.wait(lambda d: "sam" in alice.nicks(), "sam in alice's list of users")
    alice.wait(lambda d: "holidays" in alice.rooms(), "the second room in alice's list")
    # Emoticons are spans drawn by the style (render.js): each has its picture, and the
    # pictures have loaded.
    alice.wait(lambda d: d.execute_script(
        "const all = [...document.querySelectorAll('#all_texts .emoticon')];"
        "const loaded = performance.getEntriesByType('resource').filter((e) => e.name.includes('/static/img/emoticons/') && e.responseEnd > 0);"
        "return all.length >= 3 && all.every((e) => getComputedStyle(e).backgroundImage.includes('/static/img/emoticons/'))"
        " && all.every((e) => loaded.some((l) => getComputedStyle(e).backgroundImage.includes(l.name)))"), "the emoticon pictures")
    link = alice.driver.execute_script("return document.querySelector('#all_texts a').getAttribute('href')")
    assert link == "https://www.swift.org/getting-started/"
    mentioned = alice.driver.execute_script(
        "return [...document.querySelectorAll('#all_texts .msg.mention .text')].map((t) => t.textContent)")
    assert any(t.startswith("@alice: the recipe") for t in mentioned)  # memorize's welcome mentions alice too

    alice.element("input_text").send_keys("see you at 8")  # an unsent line makes the input look used
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert alice.driver.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
    if os.environ.get("CHATT_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(SCREENSHOT, README_SCREENSHOT)
