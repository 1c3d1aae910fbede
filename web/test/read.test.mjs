import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadMarks } from '../static/js/read.js';
import { ChatState } from '../static/js/state.js';
import { dayLabel } from '../static/js/view.js';

function memoryStorage() {
  const data = new Map();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, String(v)), data };
}

test('read marks: per nickname, only forward, merged with another tab', () => {
  const storage = memoryStorage();
  const ann = new ReadMarks(storage, 'ann');
  assert.equal(ann.get('main'), null);
  ann.set('main', 10);
  ann.set('main', 5);
  assert.equal(ann.get('main'), 10);
  assert.equal(new ReadMarks(storage, 'bob').get('main'), null);
  const otherTab = new ReadMarks(storage, 'ann');
  otherTab.set('dev', 7);
  ann.set('main', 11);
  assert.deepEqual(new ReadMarks(storage, 'ann').marks, { main: 11, dev: 7 });
  storage.setItem('chatt-read:zed', 'not json');
  assert.deepEqual(new ReadMarks(storage, 'zed').marks, {});
  assert.equal(new ReadMarks(null, 'x').get('main'), null);
});

test('history newer than the read mark counts as unread on the first load', () => {
  const read = { get: (room) => (room === 'dev' ? 20 : null) };
  const s = new ChatState('me', { pageSize: 50, read });
  s.mergeLastinfo({ messages: {
    dev: [['a', 'x', 10, 'i1', 1], ['a', 'y', 30, 'i2', 2], ['me', 'mine', 40, 'i3', 3], ['b', 'z', 50, 'i4', 4]],
    quiet: [['a', 'never opened here', 10, 'i5', 5]],
  } }, { initial: true });
  assert.equal(s.room('dev').unread, 2);
  assert.equal(s.room('quiet').unread, 0);
  assert.equal(s.totalUnread(), 2);
  assert.equal(s.firstAfter('dev', 20).text, 'y');
  assert.equal(s.lastTime('dev'), 50);
});

test('day labels: Today, Yesterday, then the date', () => {
  const now = new Date(2026, 11, 1, 0, 30);
  assert.equal(dayLabel(new Date(2026, 11, 1, 0, 1).getTime(), now), 'Today');
  assert.equal(dayLabel(new Date(2026, 10, 30, 23, 59).getTime(), now), 'Yesterday');
  assert.match(dayLabel(new Date(2026, 10, 29, 12).getTime(), now), /29/);
});
