// One room's message log in the DOM: a window onto the room's messages in the state.
// Insertions are queued and applied in batches (the view flushes them once per animation
// frame, within a time budget), and while the room follows its end at most WINDOW
// messages stay in the DOM: older nodes are dropped, and made again from the state when
// the reader scrolls back (`showEarlier`). A burst of thousands of messages thus costs
// the nodes of the last WINDOW only.

/** Messages kept in a room's DOM while it follows its end. */
export const WINDOW = 300;

/**
 * When a log opens (at its end), its last TAIL messages are made whole at once: more than a
 * screenful, so what the reader sees first is never a message's source.
 */
export const TAIL = 50;

/**
 * Nodes made many at once (a log opened, older pages) are marked `bulk`: the style skips
 * their layout while they are out of view (chatt.css), and they are made `later` (their
 * Markdown made when they near the view: message-node.js) unless `now`. Live ones are not.
 */
const bulk = (makeNode, now = () => false) => (message, index) => {
  const node = makeNode(message, { later: !now(index) });
  node.classList.add('bulk');
  return node;
};

export class RoomLog {
  /**
   * @param {object} room the state's room ({ name, messages })
   * @param {(message: object, options: {later: boolean}) => Element} makeNode
   * @param {(node: Element) => void} forget called for each node that leaves the DOM
   */
  constructor(doc, room, makeNode, forget) {
    this.room = room;
    this.makeNode = makeNode;
    this.forget = forget;
    this.element = doc.createElement('div');
    this.element.className = 'log';
    this.element.setAttribute('role', 'log');
    this.element.dataset.room = room.name;
    this.offset = Math.max(0, room.messages.length - WINDOW); // index in the state of the first node
    const shown = room.messages.slice(this.offset);
    this.nodes = shown.map(bulk(makeNode, (index) => index >= shown.length - TAIL));
    this.element.append(...this.nodes);
    this.queue = []; // { message, index } in the order the state took them
    this.line = null; // the "new messages" line, while there is one
  }

  /** How many of the state's messages the log accounts for (shown or before the window). */
  get length() {
    return this.offset + this.nodes.length;
  }

  /** Older messages of the state that are not in the DOM. */
  get hasEarlier() {
    return this.offset > 0;
  }

  /** A message the state put at `index`; shown at the next flush. */
  add(message, index) {
    this.queue.push({ message, index });
  }

  get pending() {
    return this.queue.length > 0;
  }

  /**
   * Applies queued insertions until `deadline` (performance.now() ms; Infinity for all).
   * With `trim`, nodes beyond the last WINDOW are dropped, and a message that WINDOW
   * later ones would push out is never made. At most `maxNodes` nodes are made (their
   * layout is paid in the same frame). Returns true when the queue is empty.
   */
  flush(deadline = Infinity, trim = false, maxNodes = Infinity) {
    const queue = this.queue;
    // Appends still to come after each queued insertion (an append lands at the end).
    const appendsAfter = new Array(queue.length);
    let appends = 0;
    for (let k = queue.length - 1; k >= 0; k -= 1) {
      appendsAfter[k] = appends;
      if (queue[k].index === this.length + k) appends += 1;
    }
    let done = 0;
    let made = 0;
    const fragment = [];
    const flushFragment = () => {
      if (fragment.length > 0) this.element.append(...fragment.splice(0));
    };
    for (; done < queue.length; done += 1) {
      const { message, index } = queue[done];
      const at = index - this.offset;
      const skip = at < 0 || (trim && at === this.nodes.length && appendsAfter[done] >= WINDOW);
      // Only making nodes costs: the budget is checked before each one, never between a
      // skip and the nodes that follow it (the log would stay empty for a frame).
      if (!skip && (made >= maxNodes || (made > 0 && performance.now() > deadline))) break;
      if (at < 0) {
        this.offset += 1; // before the window: the state has it, the DOM does not show it
      } else if (trim && at === this.nodes.length && appendsAfter[done] >= WINDOW) {
        flushFragment();
        this.dropFirst(this.nodes.length);
        this.offset = index + 1; // pushed out by what follows: never made
      } else if (at === this.nodes.length) {
        const node = this.makeNode(message);
        made += 1;
        this.nodes.push(node);
        fragment.push(node);
      } else {
        flushFragment();
        const node = this.makeNode(message);
        made += 1;
        this.element.insertBefore(node, this.nodes[at]);
        this.nodes.splice(at, 0, node);
      }
    }
    flushFragment();
    this.queue = queue.slice(done);
    if (trim && this.nodes.length > WINDOW) this.dropFirst(this.nodes.length - WINDOW);
    return this.queue.length === 0;
  }

  /**
   * Puts `line` ("new messages") before the node of `message`, if the window shows it;
   * removes the line with a null message.
   */
  setLine(message, line) {
    this.line?.remove();
    this.line = null;
    if (message === null) return;
    const at = this.room.messages.indexOf(message) - this.offset;
    if (at < 0 || at >= this.nodes.length) return;
    this.element.insertBefore(line, this.nodes[at]);
    this.line = line;
  }

  /**
   * Gives the first message of each day (and the first shown) `data-day-label`, which
   * the style shows as a separator above it ("Today", "Yesterday", a date).
   */
  markDays(label) {
    let previous = null;
    for (const node of this.nodes) {
      const day = node.dataset.day ?? null;
      const wanted = day !== null && day !== previous ? label(node.querySelector('time')?.getAttribute('datetime')) : null;
      if (wanted === null) {
        if (node.dataset.dayLabel !== undefined) delete node.dataset.dayLabel;
      } else if (node.dataset.dayLabel !== wanted) {
        node.dataset.dayLabel = wanted;
      }
      if (day !== null) previous = day;
    }
  }

  /** `node` takes the place of `old` (a message drawn again). */
  replace(old, node) {
    const at = this.nodes.indexOf(old);
    if (at < 0) return;
    this.nodes[at] = node;
    old.replaceWith(node);
  }

  dropFirst(count) {
    const gone = this.nodes.splice(0, count);
    for (const node of gone) {
      node.remove();
      this.forget(node);
    }
    this.offset += gone.length;
  }

  /** `messages` (oldest first) went before the state's first message. */
  prepended(messages) {
    this.flush();
    if (this.offset > 0) {
      this.offset += messages.length; // beyond what the DOM shows anyway
      return;
    }
    const nodes = messages.map(bulk(this.makeNode));
    this.element.prepend(...nodes);
    this.nodes.unshift(...nodes);
  }

  /** Makes up to `count` earlier messages of the state again; returns how many. */
  showEarlier(count = WINDOW / 2) {
    this.flush();
    const from = Math.max(0, this.offset - count);
    const nodes = this.room.messages.slice(from, this.offset).map(bulk(this.makeNode));
    this.element.prepend(...nodes);
    this.nodes.unshift(...nodes);
    this.offset = from;
    return nodes.length;
  }
}
