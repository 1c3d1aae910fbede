// What a nickname has read, per room, kept in the browser (localStorage) so that unread
// counts survive a reload and a new tab: the time (ms) of the last message read in each
// room. No DOM, no network.

const PREFIX = 'chatt-read:';

export class ReadMarks {
  /**
   * @param {Storage|null} storage localStorage (null: kept for this page only)
   * @param {string} nick
   */
  constructor(storage, nick) {
    this.storage = storage;
    this.key = `${PREFIX}${nick}`;
    this.marks = this.load();
  }

  load() {
    try {
      const value = JSON.parse(this.storage?.getItem(this.key) ?? '{}');
      return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
    } catch {
      return {};
    }
  }

  /** The time of the last message read in `room`, or null if it was never opened here. */
  get(room) {
    const ts = this.marks[room];
    return Number.isFinite(ts) ? ts : null;
  }

  /** The reader has seen `room` up to a message of time `ts`; an older time changes nothing. */
  set(room, ts) {
    if (!Number.isFinite(ts) || (this.get(room) ?? -Infinity) >= ts) return;
    // Another tab of the same nickname may have read further: merge, keep the later time.
    const stored = this.load();
    this.marks = { ...stored, ...this.marks };
    if ((this.get(room) ?? -Infinity) >= ts) return;
    this.marks[room] = ts;
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.marks));
    } catch {
      // Storage full or refused: the marks still hold for this page.
    }
  }
}
