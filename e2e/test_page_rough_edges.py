"""Issue 18, item 6, rough edges: an error clears once a later action succeeds; retries
at most 2 s apart and a "Retry now" button while the broker is away; a message sent
while disconnected says "not sent yet" and is sent once on reconnect; dir="auto" on
messages; contrast of at least 4.5:1 for links and every nickname hue, light and dark
(computed); a very long message collapses behind "Show more"."""
import re

from harness import unique, wait_until

CONTRAST = """
const canvas = document.createElement('canvas');
canvas.width = canvas.height = 1;
const ctx = canvas.getContext('2d', { willReadFrequently: true });
const rgb = (color) => {
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = '#f0f';
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 1, 1);
  return [...ctx.getImageData(0, 0, 1, 1).data].slice(0, 3);
};
const luminance = (c) => {
  const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const root = getComputedStyle(document.documentElement);
const backgrounds = ['--bg', '--panel', '--mention'].map((name) => [name, rgb(root.getPropertyValue(name).trim())]);
const probe = document.createElement('button');
probe.className = 'nick';
document.getElementById('all_nicks').append(probe);
const link = document.createElement('a');
link.href = '#';
document.getElementById('all_nicks').append(link);
let worst = { ratio: Infinity };
const check = (what, color) => {
  for (const [name, background] of backgrounds) {
    const r = ratio(rgb(color), background);
    if (r < worst.ratio) worst = { ratio: r, what, color, background: name };
  }
};
for (let hue = 0; hue < 360; hue += 1) {
  probe.style.setProperty('--hue', String(hue));
  check(`nickname hue ${hue}`, getComputedStyle(probe).color);
}
check('link', getComputedStyle(link).color);
probe.remove();
link.remove();
return worst;
"""


def test_an_error_clears_once_a_later_action_succeeds(open_chat, browsers):
    page = browsers("page").open(open_chat.server.url).join(unique("err"))
    page.element("new_room_name").send_keys("no spaces allowed")
    page.element("new_room").click()
    page.wait(lambda d: d.execute_script("return document.getElementById('status').dataset.kind") == "error",
              "the error about the room name")
    page.send(f"this one works {unique('x')}")
    page.wait(lambda d: page.status() == "", "the error to clear after a message was sent")


def test_retries_stay_close_and_a_message_sent_offline_goes_once(fresh_chat, browsers):
    ann_nick = unique("ann")
    ann = browsers("ann").open(fresh_chat.server.url).join(ann_nick)
    fresh_chat.broker.stop()
    # However long the broker is away, the next try is at most 2 s off.
    ann.wait(lambda d: "(attempt 4)" in ann.status(), "a fourth try", timeout=30)
    delays = [int(n) for n in re.findall(r"trying again in (\d+) s", ann.status())]
    assert delays and max(delays) <= 2, ann.status()
    assert ann.element("retry").is_displayed()

    typed = f"typed while offline {unique('x')}"
    ann.send(typed)
    ann.wait(lambda d: d.execute_script(
        "return [...document.querySelectorAll('#all_texts .msg.queued .text')].map((t) => t.textContent)"
        ".includes(arguments[0])", typed), "the message marked as not sent yet")
    label = ann.driver.execute_script(
        "return getComputedStyle(document.querySelector('#all_texts .msg.queued .text'), '::after').content")
    assert "not sent yet" in label

    fresh_chat.broker.start()
    ann.element("retry").click()
    ann.wait(lambda d: ann.status() == "" and not ann.element("retry").is_displayed(), "ann connected again")
    ann.wait(lambda d: not d.execute_script("return document.querySelector('#all_texts .msg.queued, #all_texts .msg.pending')"),
             "the message sent and confirmed")
    wait_until(lambda: fresh_chat.stored("main", typed), what="the message stored")
    assert ann.texts("main").count(typed) == 1
    assert [m["text"] for m in fresh_chat.memorize.export()].count(typed) == 1
    assert [e[1] for e in fresh_chat.lastinfo()["messages"]["main"]].count(typed) == 1


def test_right_to_left_contrast_and_long_messages(open_chat, browsers):
    page = browsers("page").open(open_chat.server.url).join(unique("rtl"))
    arabic = "مرحبا بكم في الدردشة"
    page.send(arabic)
    page.wait_text("main", arabic)
    direction = page.driver.execute_script(
        "const t = [...document.querySelectorAll('#all_texts .msg .text')].find((t) => t.textContent === arguments[0]);"
        "return [t.getAttribute('dir'), getComputedStyle(t).direction]", arabic)
    assert direction == ["auto", "rtl"]

    for mode in ("light", "dark"):
        page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": mode}]})
        worst = page.driver.execute_script(CONTRAST)
        assert worst["ratio"] >= 4.5, f"{mode}: {worst}"

    long_text = " ".join(f"word{i}" for i in range(400)) + " the end"
    page.send(long_text)
    page.wait_text("main", long_text)
    shown = "return [...document.querySelectorAll('#all_texts .msg')].find((m) => m.querySelector('.text').textContent === arguments[0])"
    collapsed = page.driver.execute_script(
        f"const m = (() => {{ {shown}; }})(arguments[0]); const t = m.querySelector('.text');"
        "return [t.scrollHeight > t.clientHeight + 20, !!m.querySelector('button.show-more')]", long_text)
    assert collapsed == [True, True]
    page.driver.execute_script(f"(() => {{ {shown}; }})(arguments[0]).querySelector('button.show-more').click()", long_text)
    page.wait(lambda d: d.execute_script(
        f"const m = (() => {{ {shown}; }})(arguments[0]); const t = m.querySelector('.text');"
        "return t.scrollHeight <= t.clientHeight + 1 && m.querySelector('button.show-more').textContent === 'Show less'",
        long_text), "the whole message after Show more")
