import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomSettings, topicPayload, archivePayload, topicProblem } from '../static/js/rooms.js';

test('topics: lastinfo, then live events, the latest ts wins', () => {
  const rooms = new RoomSettings();
  rooms.mergeLastinfo({ topics: { main: { text: 'hello', author: 'ann', ts: 10 } } });
  assert.equal(rooms.topic('main').text, 'hello');
  assert.equal(rooms.applyTopic('main', topicPayload('bob', 'older', 'evt-00001', 5)), false);
  assert.equal(rooms.applyTopic('main', topicPayload('bob', 'newer', 'evt-00002', 20)), true);
  assert.deepEqual(rooms.topic('main'), { text: 'newer', author: 'bob', ts: 20 });
  assert.equal(rooms.applyTopic('main', '{"author":"a/b","ts":30,"text":"x"}'), false);
  assert.equal(rooms.applyTopic('main', topicPayload('bob', '', 'evt-00003', 30)), true);
  assert.equal(rooms.topic('main'), null, 'an empty topic clears it');
});

test('archive: hidden from the list, shown by a message or an unarchive', () => {
  const rooms = new RoomSettings();
  const order = ['main', 'old', 'trips'];
  rooms.mergeLastinfo({ archived: ['old'] });
  assert.deepEqual(rooms.visible(order, 'main'), ['main', 'trips']);
  assert.deepEqual(rooms.visible(order, 'old'), order, 'the open room stays listed');
  assert.deepEqual(rooms.archivedRooms(order), ['old']);
  assert.equal(rooms.messageIn('old'), true);
  assert.deepEqual(rooms.archivedRooms(order), []);
  assert.equal(rooms.applyArchive('trips', archivePayload('ann', true, 'evt-00001', 50)), true);
  assert.equal(rooms.applyArchive('trips', archivePayload('bob', false, 'evt-00002', 40)), false, 'older: ignored');
  assert.ok(rooms.isArchived('trips'));
  rooms.mergeLastinfo({});
  assert.ok(rooms.isArchived('trips'), 'a live archive is not undone by an older lastinfo');
  rooms.mergeLastinfo({ messages: { trips: [['bob', 'back', 55, 'm-1', 9]] } });
  assert.ok(!rooms.isArchived('trips'), 'a message missed while away, newer than the archiving, shows it again');
  assert.equal(rooms.applyArchive('trips', archivePayload('ann', true, 'evt-00005', 56)), true);
  assert.equal(rooms.applyArchive('trips', archivePayload('bob', false, 'evt-00003', 60)), true);
  assert.equal(rooms.applyArchive('main', archivePayload('bob', true, 'evt-00004', 70)), false, 'main always shows');
  assert.ok(!rooms.isArchived('trips'));
});

test('a topic is one line of at most 512 bytes', () => {
  assert.equal(topicProblem('Lisbon in May'), null);
  assert.match(topicProblem('two\nlines'), /one line/);
  assert.match(topicProblem('é'.repeat(300)), /too long/);
});
