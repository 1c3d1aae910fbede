import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nickProblem, roomProblem, textProblem, parseTopic, topics } from '../static/js/names.js';

test('nicknames: accepted', () => {
  for (const nick of ['ann', 'Zoé', 'a b', '😀', 'x'.repeat(32), '😀'.repeat(32), 'bot', '@me', 'a.b-c_d']) {
    assert.equal(nickProblem(nick), null, JSON.stringify(nick));
  }
});

test('nicknames: refused, with a reason', () => {
  const cases = [
    ['', /Choose/],
    ['a/b', /“\/”/],
    ['a+b', /“\+”/],
    ['#', /“#”/],
    ['a\nb', /control/],
    ['a\tb', /control/],
    ['\u0000', /control/],
    ['a\u007f', /control/],
    ['a\u0085', /control/],
    ['a\u2028b', /control/],
    ['x'.repeat(33), /at most 32 characters \(this one has 33\)/],
    ['😀'.repeat(33), /at most 32/],
  ];
  for (const [nick, reason] of cases) assert.match(nickProblem(nick) ?? 'accepted', reason, JSON.stringify(nick));
  assert.match(nickProblem(undefined), /Choose/);
});

test('room names', () => {
  for (const room of ['main', 'a', 'Room-2', 'x'.repeat(64), '-']) assert.equal(roomProblem(room), null, room);
  for (const room of ['', 'a b', 'café', 'a/b', 'a_b', 'a+b', '#', 'x'.repeat(65), 'ａ']) {
    assert.notEqual(roomProblem(room), null, room);
  }
  assert.match(roomProblem('x'.repeat(65)), /at most 64/);
});

test('message length in UTF-8 bytes', () => {
  assert.equal(textProblem('é'.repeat(8192)), null);
  assert.match(textProblem('é'.repeat(8193)), /too long: 16,386 bytes/);
});

test('topics', () => {
  assert.deepEqual(parseTopic('rooms/main/newtext'), { kind: 'room', room: 'main', verb: 'newtext' });
  assert.deepEqual(parseTopic('users/Zoé/hello'), { kind: 'user', nick: 'Zoé', verb: 'hello' });
  for (const t of ['rooms/a b/newtext', 'rooms/main', 'rooms/main/newtext/x', 'other/x/y', 'users//hello']) {
    assert.equal(parseTopic(t), null, t);
  }
  assert.equal(topics.roomText('main'), 'rooms/main/newtext');
  assert.equal(topics.logout('ann'), 'users/ann/logout');
});
