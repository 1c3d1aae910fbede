"""Injection: hostile strings (e2e/injection_payloads.json) published through MQTT as
message texts, nicknames and room names. In Chromium nothing of them may run, every
text must show literally, and the only elements made from them are links and images
with http(s) addresses.

The page runs under a CSP that would block inline handlers anyway, so the test does not
rely on "nothing ran" alone: it checks the DOM (no element, attribute or address that
came from a payload) and records CSP violations, which mean markup reached the DOM."""
import json
import re
from pathlib import Path

from harness import newtext, unique

PAYLOADS = [p["text"] for p in json.loads((Path(__file__).parent / "injection_payloads.json").read_text())["payloads"]]

# The element types the page itself makes in the areas that show other people's strings.
SAFETY_CHECK = """
const problems = [];
for (const el of document.querySelectorAll('*')) {
  for (const attr of el.attributes) {
    if (/^on/i.test(attr.name)) problems.push(`${el.tagName} has ${attr.name}`);
  }
}
const scheme = (url) => new URL(url, location.href).protocol;
for (const img of document.images) {
  if (!['http:', 'https:'].includes(scheme(img.src))) problems.push(`img src ${img.src.slice(0, 80)}`);
  if (!img.matches('.inline-image')) problems.push(`img of class ${img.className}`);
  if (img.matches('.emoticon')) problems.push(`emoticon as img ${img.src}`);
}
// Emoticons are spans (render.js): our class, a picture from our list, nothing else.
for (const span of document.querySelectorAll('#all_texts span.emoticon')) {
  const names = [...span.attributes].map((a) => a.name).sort().join(' ');
  if (names !== 'aria-label class data-emoticon role title') problems.push(`emoticon attributes ${names}`);
  if (!/^(happy|shappy|sad|gibber|confused|wink|crazy)$/.test(span.dataset.emoticon)) problems.push(`emoticon ${span.dataset.emoticon}`);
  if (span.children.length > 0) problems.push('emoticon with elements');
}
for (const a of document.querySelectorAll('a')) {
  if (!a.hasAttribute('href') || !['http:', 'https:'].includes(scheme(a.href))) problems.push(`a href ${a.getAttribute('href')}`);
}
// The page's own elements, and those of the Markdown subset (issue 16), which the renderer makes.
const allowed = new Set(['DIV', 'SPAN', 'TIME', 'BUTTON', 'A', 'IMG', 'LI', 'UL', 'OL', 'P', 'B', 'MARK',
  'CODE', 'PRE', 'STRONG', 'EM', 'S', 'BLOCKQUOTE', 'I']);
for (const el of document.querySelectorAll('#all_texts *, #all_nicks *, #all_channels *, #search_results *, #room_topic *, #archived_rooms *')) {
  if (!allowed.has(el.tagName)) problems.push(`element ${el.tagName}`);
}
if (document.scripts.length !== 1) problems.push(`${document.scripts.length} scripts`);
if (document.querySelectorAll('iframe, object, embed, base, style, link[rel=stylesheet] ~ link[rel=stylesheet]').length) problems.push('foreign element');
return problems;
"""

CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f\u2028\u2029]")


def page_accepts_nick(nick: str) -> bool:
    """The nickname rule of SPEC.md as web/static/js/names.js applies it."""
    return nick != "" and not re.search(r"[/+#]", nick) and not CONTROL.search(nick) and len(nick) <= 32


def topic_safe(name: str) -> bool:
    """Usable as one topic level: MQTT forbids wildcards in topic names and mosquitto
    drops a client whose topic holds a control character; '/' would make other levels
    (the page must ignore those topics anyway)."""
    return name != "" and not re.search("[/+#]", name) and not CONTROL.search(name) and len(name.encode()) < 1000


def assert_nothing_ran(browser):
    assert browser.pwned() is None, f"injected code ran: {browser.pwned()}"
    assert browser.csp_violations() == [], "markup from a payload reached the DOM"
    assert browser.driver.execute_script(SAFETY_CHECK) == []


# Payloads in which the Markdown subset (issue 16) takes markers: shown as what they
# mark (here an inline code span, as text), never as markup.
MARKDOWN_SHOWS = {"`${window.__pwned=1}`": "${window.__pwned=1}"}


def unread(browser, room: str) -> int:
    badge = browser.driver.execute_script(
        "return document.querySelector(`#all_channels button[data-room=\"${arguments[0]}\"] .unread`)?.textContent", room)
    return int(badge or 0)


def open_when_complete(browser, room: str, count: int) -> list[dict]:
    """Selects `room` once all `count` messages are in (its unread badge says so), so the
    log is built once rather than laid out again for every arriving message."""
    browser.wait(lambda d: room in browser.rooms() and unread(browser, room) == count, f"{count} messages in {room}", 30)
    browser.select_room(room)
    return browser.messages(room)


def test_payloads_as_texts_and_authors_show_literally_and_run_nothing(open_chat, browsers):
    nick = unique("reader")
    reader = browsers("reader").open(open_chat.server.url).join(nick)
    texts_room, authors_room, typed_room = unique("texts"), unique("authors"), unique("typed")
    authors = [(i, p) for i, p in enumerate(PAYLOADS) if len(p) <= 200]
    open_chat.publish(
        [(f"rooms/{texts_room}/newtext", newtext("tester", text, f"text-{i}")) for i, text in enumerate(PAYLOADS)]
        + [(f"rooms/{authors_room}/newtext", newtext(author, f"said by author {i}", f"author-{i}"))
           for i, author in authors])

    # Out of view, a message made with many others shows its text as it is (log.js): literally.
    shown = {m["id"]: m for m in open_when_complete(reader, texts_room, len(PAYLOADS))}
    wrong = [(i, text[:60], shown.get(f"text-{i}", {}).get("text", "<missing>")[:60])
             for i, text in enumerate(PAYLOADS)
             if shown.get(f"text-{i}", {}).get("text") not in (MARKDOWN_SHOWS.get(text, text), text)]
    assert wrong == [], "texts not shown literally"
    assert_nothing_ran(reader)
    # Once each has neared the view, its Markdown is made: still nothing but text and our elements.
    reader.scroll_through()
    shown = {m["id"]: m for m in reader.messages(texts_room)}
    wrong = [(i, text[:60], shown.get(f"text-{i}", {}).get("text", "<missing>")[:60])
             for i, text in enumerate(PAYLOADS)
             if shown.get(f"text-{i}", {}).get("text") != MARKDOWN_SHOWS.get(text, text)]
    assert wrong == [], "texts not shown literally"
    assert_nothing_ran(reader)

    accepted = [(i, author) for i, author in authors if page_accepts_nick(author)]
    shown = {m["id"]: m for m in open_when_complete(reader, authors_room, len(accepted))}
    assert {i: shown[f"author-{i}"]["author"] for i, _ in accepted} == dict(accepted)
    # (the page drops a message whose author breaks the nickname rule: counted above)
    assert_nothing_ran(reader)

    # What the reader types is rendered by the same code before the broker echoes it.
    reader.element("new_room_name").send_keys(typed_room)
    reader.element("new_room").click()
    reader.wait(lambda d: reader.element("room_title").text == typed_room, "the room for typing")
    typed = [p for p in PAYLOADS if len(p) < 120 and not CONTROL.search(p) and all(ord(c) < 0x10000 for c in p)][:12]
    for text in typed:
        reader.send(text)
    reader.wait(lambda d: reader.texts(typed_room) == typed, "the typed payloads")
    reader.wait(lambda d: not any(m["pending"] for m in reader.messages(typed_room)), "the typed payloads to be confirmed")
    assert_nothing_ran(reader)


def test_payloads_as_nicknames_and_room_names_run_nothing(open_chat, browsers):
    reader = browsers("reader").open(open_chat.server.url).join(unique("reader"))
    rooms_before = set(reader.rooms())
    names = [p for p in PAYLOADS if topic_safe(p)]
    assert len(names) >= 45  # the rest hold "/", wildcards or control characters
    last_nick, last_room = unique("last"), unique("last")
    open_chat.publish(
        [(f"users/{name}/hello", json.dumps({"ipAddress": "127.0.0.1"})) for name in names]
        + [(f"rooms/{name}/new", "") for name in names]
        + [(f"rooms/{name}/newtext", newtext("tester", "in a strange room")) for name in names]
        + [(f"users/{last_nick}/hello", json.dumps({"ipAddress": "127.0.0.1"})), (f"rooms/{last_room}/new", "")])

    reader.wait(lambda d: last_nick in reader.nicks() and last_room in reader.rooms(), "the last nick and room")
    expected_nicks = {name for name in names if page_accepts_nick(name)}
    assert expected_nicks <= set(reader.nicks()), "a valid nickname is missing or not shown literally"
    assert set(reader.rooms()) - rooms_before == {last_room}, "a room with a bad name was shown"
    # memorize greets every newcomer in main, quoting the nickname: those texts too.
    reader.wait(lambda d: any(last_nick in t for t in reader.texts("main")), "memorize's greeting of the last nick")
    assert_nothing_ran(reader)
