import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, countLabel, splitMatches } from '../static/js/search.js';

test('from:nick is the author, alone or with words', () => {
  assert.deepEqual(parseQuery('from:ann pizza  night'), { words: ['pizza', 'night'], author: 'ann' });
  assert.deepEqual(parseQuery('From:Bob'), { words: [], author: 'Bob' });
  assert.deepEqual(parseQuery('from: x'), { words: ['from:', 'x'], author: null });
});

test('the count says 50+ when more exist than shown', () => {
  assert.equal(countLabel(50, true), '50+ results');
  assert.equal(countLabel(1, false), '1 result');
  assert.equal(countLabel(7, false), '7 results');
});

test('matches are word prefixes, any case; markup in the text stays text', () => {
  assert.deepEqual(splitMatches('Pizza and pizzas, not apizza <b>pizza</b>', ['piz']), [
    { text: 'Pizza', match: true }, { text: ' and ', match: false }, { text: 'pizzas', match: true },
    { text: ', not apizza <b>', match: false }, { text: 'pizza', match: true }, { text: '</b>', match: false },
  ]);
  assert.deepEqual(splitMatches('a.*b', ['.*']), [{ text: 'a.*b', match: false }]);
  assert.deepEqual(splitMatches('', ['x']), []);
});
