"""Issue 18, item 5: the page on a phone (390 × 844). Inputs at 16 px or more (iOS zooms
below), tap targets of at least 44 px, the new-room field in view, search results that
close by a visible button and by clearing the field, the online list not under the
input, and the last message still in view when the soft keyboard takes half the height.
Screenshots at phone and desktop sizes, light and dark, go to test-output/."""
from harness import ROOT, newtext, unique

OUT = ROOT / "test-output"

SMALL_TARGETS = """
const small = [];
for (const el of document.querySelectorAll('#chat button, #chat input')) {
  if (el.closest('.msg')) continue;  // a message's author is inline text
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;  // not shown
  if (r.height < 44 || r.width < 44) small.push(`${el.id || el.className || el.tagName} ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
}
return small;
"""

IN_VIEW = """
const r = document.getElementById(arguments[0]).getBoundingClientRect();
return r.width > 0 && r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight;
"""

LAST_IN_VIEW = """
const area = document.getElementById('all_texts').getBoundingClientRect();
const all = document.querySelectorAll(`#all_texts .log[data-room="${arguments[0]}"] .msg`);
const last = all[all.length - 1].getBoundingClientRect();
return last.top >= area.top - 1 && last.bottom <= area.bottom + 1;
"""


def dark(browser, on: bool) -> None:
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": "dark" if on else "light"}]})


def fill(chat, room: str, count: int = 30) -> None:
    chat.publish([(f"rooms/{room}/newtext", newtext("sam", f"line {i} of the phone room :)", f"{room}-{i}"))
                  for i in range(count)])


def test_the_page_on_a_phone(open_chat, browsers):
    room = unique("phone")
    fill(open_chat, room)
    phone = browsers("phone")
    phone.emulate(390, 844)
    phone.open(open_chat.server.url)
    assert phone.driver.execute_script("return innerWidth") == 390
    phone.join(unique("pat"))
    phone.wait(lambda d: room in phone.rooms(), "the room")
    phone.select_room(room)

    sizes = phone.driver.execute_script(
        "return [...document.querySelectorAll('input')].map((i) => parseFloat(getComputedStyle(i).fontSize))")
    assert min(sizes) >= 16, f"input font sizes {sizes}"
    assert phone.driver.execute_script(SMALL_TARGETS) == []
    assert phone.driver.execute_script(IN_VIEW, "new_room_name"), "the new-room field is out of view"
    # The rooms themselves too: a Direct section explaining that direct messages need a
    # personal secret (pat has none) pushed them out of the phone's room strip.
    left, right = phone.driver.execute_script(
        "const r = document.querySelector('#all_channels button[data-room=\"main\"]').getBoundingClientRect();"
        "return [r.left, r.right]")
    assert right > 0 and left < 390, f"the main room's button is out of view ({left}..{right})"
    assert phone.driver.execute_script(IN_VIEW, "input_text")
    nicks_bottom, input_top = phone.driver.execute_script(
        "return [document.querySelector('.nicks').getBoundingClientRect().bottom,"
        " document.getElementById('input_form').getBoundingClientRect().top]")
    assert nicks_bottom <= input_top, "the online list is under the input"

    # Search results close with a visible button, and when the field is cleared.
    phone.element("search").send_keys("line 1\n")
    phone.wait(lambda d: phone.element("search_results").is_displayed(), "search results")
    close = phone.driver.find_element("css selector", "#search_results .close-results")
    assert close.is_displayed() and close.size["height"] >= 44
    close.click()
    phone.wait(lambda d: not phone.element("search_results").is_displayed(), "the results closed by the button")
    phone.element("search").send_keys("line 2\n")
    phone.wait(lambda d: phone.element("search_results").is_displayed(), "search results again")
    phone.driver.execute_script(
        "const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input', { bubbles: true }))")
    phone.wait(lambda d: not phone.element("search_results").is_displayed(), "the results closed by clearing the field")

    OUT.mkdir(exist_ok=True)
    for mode in (False, True):
        dark(phone, mode)
        assert phone.driver.save_screenshot(str(OUT / f"page-phone-{'dark' if mode else 'light'}.png"))

    # The soft keyboard: the visible height halves; the last message stays in view.
    phone.element("input_text").click()
    phone.emulate(390, 420)
    phone.wait(lambda d: d.execute_script("return innerHeight") < 500, "the smaller viewport")
    phone.wait(lambda d: d.execute_script(LAST_IN_VIEW, room), "the last message in view above the keyboard")
    later = "after the keyboard opened"
    open_chat.publish([(f"rooms/{room}/newtext", newtext("sam", later))])
    phone.wait_text(room, later)
    phone.wait(lambda d: d.execute_script(LAST_IN_VIEW, room), "the new message in view above the keyboard")


def test_desktop_screenshots_light_and_dark(open_chat, browsers):
    room = unique("desk")
    fill(open_chat, room, 12)
    desk = browsers("desk", width=1200, height=800).open(open_chat.server.url).join(unique("dee"))
    desk.wait(lambda d: room in desk.rooms(), "the room")
    desk.select_room(room)
    OUT.mkdir(exist_ok=True)
    for mode in (False, True):
        dark(desk, mode)
        assert desk.driver.save_screenshot(str(OUT / f"page-desktop-{'dark' if mode else 'light'}.png"))
