"""A long history of Markdown messages (issue 16's rendering goal): messages made many at
once (older pages) show their text as it is until they near the view, then get their
Markdown (log.js, message-node.js); what the reader sees is always whole: after opening,
after each older page, while scrolling up, after a jump to a search result."""
import time

from harness import newtext, unique, wait_until

COUNT = 200  # four pages of 50

# Each message of the log: in view, whole (its Markdown made), and its text as shown.
STATE = """
const log = [...document.querySelectorAll('#all_texts .log')].find((l) => l.dataset.room === arguments[0]);
const box = document.getElementById('all_texts').getBoundingClientRect();
return [...log.querySelectorAll('.msg')].map((m) => {
  const b = m.getBoundingClientRect();
  return { id: m.dataset.id, inView: b.bottom > box.top && b.top < box.bottom,
           whole: !!m.querySelector('.text strong'), text: m.querySelector('.text').textContent };
});
"""


def test_messages_further_up_get_their_markdown_as_they_near_the_view(open_chat, browsers):
    room = unique("mdlog")
    base_ts = int(time.time() * 1000) - COUNT * 1000
    sources = [f"**line {i}** with `code {i}`" for i in range(COUNT)]
    open_chat.publish([(f"rooms/{room}/newtext", newtext("writer", text, f"{room}-{i}", base_ts + i * 1000))
                       for i, text in enumerate(sources)])
    wait_until(lambda: [e[1] for e in open_chat.lastinfo()["messages"].get(room, [])][-1:] == [sources[-1]],
               what="memorize to store the last message")
    reader = browsers("reader", height=600).open(open_chat.server.url).join(unique("reader"))
    reader.wait(lambda d: room in reader.rooms(), "the room from the history")
    reader.select_room(room)
    state = lambda: reader.driver.execute_script(STATE, room)  # noqa: E731

    def in_view_whole(d):
        shown = [m for m in state() if m["inView"]]
        return len(shown) > 0 and all(m["whole"] for m in shown)

    reader.wait(in_view_whole, "what is in view whole at opening")
    # Older pages, one by one, by the button (the view stays where it was): what is in view stays whole.
    seen_as_source = set()
    while len(state()) < COUNT:
        before = len(state())
        reader.driver.execute_script("document.getElementById('older').click()")
        reader.wait(lambda d: len(state()) > before, "an older page")
        reader.wait(in_view_whole, "what is in view whole after an older page")
        seen_as_source |= {m["id"] for m in state() if not m["whole"]}
    # Pages prepended above the view are not all made whole at once.
    assert seen_as_source, "no message was left to make when it nears the view"
    # Scrolling up to the start, a screen at a time: each message whole when it is in view.
    top = reader.driver.execute_script("return document.getElementById('all_texts').scrollTop")
    while top > 0:
        top = max(0, top - 500)
        reader.driver.execute_script("document.getElementById('all_texts').scrollTop = arguments[0]", top)
        reader.wait(in_view_whole, f"what is in view whole at {top}px")
    # A jump to a search result shows it, and what is around it, whole.
    reader.driver.execute_script("document.getElementById('all_texts').scrollTop = 1e9")
    reader.element("search").send_keys("code 3`\n")
    reader.wait(lambda d: d.execute_script("return document.querySelectorAll('#search_results button.result').length") > 0,
                "the search results")
    reader.driver.execute_script("""
      [...document.querySelectorAll('#search_results button.result')]
        .find((b) => b.querySelector('.result-text').textContent.startsWith('**line 3**')).click();""")
    reader.wait(lambda d: any(m["inView"] and m["id"] == f"{room}-3" for m in state()), "the result in view")
    reader.wait(in_view_whole, "what is in view whole after the jump")
    # Whole, every message reads as its Markdown makes it.
    assert all(m["whole"] for m in state() if m["inView"])
    rendered = {m["id"]: m["text"] for m in state() if m["whole"]}
    assert rendered[f"{room}-3"] == "line 3 with code 3"
