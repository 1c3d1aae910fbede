// Live events whose author had no known key when they came (issue 17): held per nickname,
// bounded, and handed back when a key for that nickname is learnt, so that they are
// checked then, as if the key had been there (a retained `users/<nick>/key` may reach a
// page after messages of theirs). No DOM, no crypto: only what to check again.

/** Events held per nickname (the newest are kept). */
export const HELD_PER_NICK = 200;
/** Nicknames held at once (the ones heard from longest ago go first). */
export const HELD_NICKS = 200;

export class AwaitingKey {
  constructor({ perNick = HELD_PER_NICK, nicks = HELD_NICKS } = {}) {
    this.perNick = perNick;
    this.nicks = nicks;
    this.held = new Map(); // nick -> items, oldest first; the Map's order: least recently held first
  }

  /** Keeps `item` until `nick`'s key is learnt (dropping the oldest past the bounds). */
  hold(nick, item) {
    const items = this.held.get(nick) ?? [];
    this.held.delete(nick); // re-inserted: most recently held last
    items.push(item);
    if (items.length > this.perNick) items.splice(0, items.length - this.perNick);
    this.held.set(nick, items);
    if (this.held.size > this.nicks) this.held.delete(this.held.keys().next().value);
  }

  /** The items held for `nick`, oldest first; they are no longer held. */
  take(nick) {
    const items = this.held.get(nick) ?? [];
    this.held.delete(nick);
    return items;
  }

  /** How many items are held for `nick`. */
  count(nick) {
    return this.held.get(nick)?.length ?? 0;
  }
}
