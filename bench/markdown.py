"""Rendering cost of Markdown in the page (run by bench/markdown.sh; not a test).

The page's own modules and stylesheet, in headless Chromium: COUNT history entries made
into message nodes by the page's own View.messageNode (what a room's log makes when it
opens: time, author, Markdown text, reply/edit/reaction decorations; marked .bulk, and
all but the last TAIL made `later`, as log.js does), appended to a message log, scrolled
to its end (the layout). "total" adds what follows: the messages the browser then says
near the view are made whole (view.js), and the layout of the frames after, until a
frame passes with nothing more to make.
Measured for plain messages and for Markdown-heavy ones (bold, italic, strike, inline
code, a fenced code block, a quote, two lists, a link, an emoticon: 9 lines) and one-line
ones with the inline constructs only, in alternating rounds of the same run; the median
of ROUNDS is printed with the range.
"""
from __future__ import annotations

import argparse
import statistics
import sys

from web_page import page_in_chromium  # bench/ is the script's folder: on sys.path

GOAL_MS = 50.0

PLAIN = "see you at 8 near the station, bring the tickets please :) http://example.org/map"
INLINE = "**Plan** for *tonight*: ~~7~~ 8 pm, `make bench` first, _then_ http://example.org/map :)"
HEAVY = ("**Plan** for *tonight*: ~~7~~ 8 pm, `make bench` first\n"
         "```sh\nswift build -c release\n./run.sh   # keeps whitespace\n```\n"
         "> she said _bring snacks_\n- tickets\n- **snacks** :)\n1. meet http://example.org/map\n2. go")

RENDER = """
const [count, text, done] = arguments;
const { View } = await import('./static/js/view.js');
const { TAIL } = await import('./static/js/log.js');
const { entryToMessage } = await import('./static/js/wire.js');
document.getElementById('chat').hidden = false;
document.getElementById('join_form').hidden = true;
const view = window.benchView ??= new View(document); // the page's view, as main.js makes it
view.reset('reader');
const texts = document.getElementById('all_texts');
const log = document.createElement('div');
log.className = 'log';
texts.append(log);
const room = { name: 'main', messages: [], byId: new Map() };
const first = Date.now() - count * 1000;
const messages = []; // history entries as /data/lastinfo gives them: [author, text, ts, id, key]
for (let i = 0; i < count; i += 1) messages.push(entryToMessage(['alice', `${text} #${i}`, first + i * 1000, `m${i}`, i + 1]));
// The view makes whole, when the browser says they near the view, the messages it made
// `later`: that work is counted too (`finishing`, and the layout of the frames after).
const nodes = view.nodes;
const finish = nodes.finish;
let finishing = 0, finished = 0;
nodes.finish = function (node) {
  const t = performance.now();
  const did = finish.call(this, node);
  finishing += performance.now() - t;
  if (did) finished += 1;
  return did;
};
const start = performance.now();
const fragment = document.createDocumentFragment();
messages.forEach((message, index) => {
  // As RoomLog makes a room's log when it opens at its end: bulk, all but the last TAIL later.
  const node = view.messageNode(message, room, { later: index < count - TAIL });
  node.classList.add('bulk');
  fragment.append(node);
});
log.append(fragment);
const built = performance.now();
texts.scrollTop = texts.scrollHeight; // opens at its end, as showRoom does (layout)
const laid = performance.now();
// Frames until one passes with nothing more made whole; each frame's layout forced and timed.
let relayout = 0, quiet = 0, seen = -1;
while (quiet < 2) {
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const t = performance.now();
  void texts.scrollHeight;
  relayout += performance.now() - t;
  quiet = finished === seen ? quiet + 1 : 0;
  seen = finished;
}
nodes.finish = finish;
const shown = [...log.children].filter((n) => { const b = n.getBoundingClientRect(), r = texts.getBoundingClientRect(); return b.bottom > r.top && b.top < r.bottom; });
const unfinishedInView = shown.filter((n) => nodes.isUnfinished(n)).length;
log.remove();
done({ build: built - start, total: laid - start + finishing + relayout, finished, unfinishedInView });
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    with page_in_chromium() as browser:
        browser.driver.set_script_timeout(120)
        results = {"plain": [], "inline": [], "markdown": []}
        for round_ in range(args.rounds + 1):
            for kind, text in (("plain", PLAIN), ("inline", INLINE), ("markdown", HEAVY)):
                figures = browser.driver.execute_async_script(RENDER, args.count, text)
                if round_ > 0:  # the first round warms the JIT up
                    results[kind].append(figures)

    print(f"{args.count} messages rendered into the page, headless Chromium, median of {args.rounds} rounds "
          "(range); build = nodes made and appended, total = with the layout and what nears the view made whole")
    for kind, runs in results.items():
        build = [r["build"] for r in runs]
        total = [r["total"] for r in runs]
        print(f"  {kind:9} build {statistics.median(build):7.1f} ms ({min(build):.1f}–{max(build):.1f})"
              f"   total {statistics.median(total):7.1f} ms ({min(total):.1f}–{max(total):.1f})"
              f"   made whole after: {statistics.median(r['finished'] for r in runs):.0f}"
              f", in view still as source: {max(r['unfinishedInView'] for r in runs)}")
    heavy = statistics.median(r["total"] for r in results["markdown"])
    print(f"goal: Markdown-heavy under {GOAL_MS:.0f} ms: {'met' if heavy < GOAL_MS else 'NOT met'} ({heavy:.1f} ms)")


if __name__ == "__main__":
    main()
