// A message's node (message-node.js): what it shows, and a message made `later` (one of
// many made at once, out of view), which shows its text as it is until `finish`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageNodes } from '../static/js/message-node.js';
import { fakeDocument, elements } from '../test-support/fakedom.mjs';

const message = (text, extra = {}) => ({ author: 'alice', text, ts: Date.UTC(2026, 11, 1, 20, 15), id: 'msg-00000001', key: 7, ...extra });
const textOf = (node) => node.childNodes.find((c) => c.getAttribute?.('class') === 'text');

test('a message: time, author, text, its data and classes', () => {
  const nodes = new MessageNodes(fakeDocument);
  const { node, text } = nodes.make(message('hi @bob :)'), 'bob');
  assert.equal(node.getAttribute('class'), 'msg mention');
  assert.equal(node.getAttribute('data-id'), 'msg-00000001');
  assert.equal(node.getAttribute('data-key'), '7');
  assert.deepEqual(node.childNodes.map((c) => c.tagName), ['TIME', 'BUTTON', 'SPAN']);
  assert.equal(node.childNodes[1].textContent, 'alice');
  assert.equal(node.childNodes[1].getAttribute('data-nick'), 'alice');
  assert.equal(text, textOf(node));
  assert.equal(text.textContent, 'hi @bob :)');
  assert.equal(elements(text.childNodes)[0].getAttribute('class'), 'emoticon');
  // Mentions inside code do not count; own messages are `mine`.
  assert.equal(nodes.make(message('`@bob`'), 'bob').node.getAttribute('class'), 'msg');
  assert.equal(nodes.make(message('me'), 'alice').node.getAttribute('class'), 'msg mine');
  // Each node its own author button, a clone.
  assert.notEqual(nodes.make(message('a'), 'x').node.childNodes[1], node.childNodes[1]);
});

test('made later: the text as it is (one text node) until finish makes its Markdown, once', () => {
  const nodes = new MessageNodes(fakeDocument);
  const source = '**plan** at <b onclick=alert(1)>8</b> :)\n- one';
  const { node, text } = nodes.make(message(source), 'bob', { later: true });
  assert.equal(nodes.isUnfinished(node), true);
  assert.equal(text.childNodes.length, 1);
  assert.equal(text.childNodes[0].nodeType, 3, 'only a text node: nothing of the text is markup');
  assert.equal(text.textContent, source);
  assert.equal(nodes.finish(node), true);
  assert.equal(nodes.isUnfinished(node), false);
  assert.deepEqual(elements(text.childNodes).map((e) => e.tagName), ['STRONG', 'SPAN', 'UL', 'LI']);
  assert.equal(text.textContent, 'plan at <b onclick=alert(1)>8</b> :)one');
  assert.equal(nodes.finish(node), false, 'once');
  // Not later, or a text that is only itself: whole at once, nothing to finish.
  const whole = nodes.make(message(source), 'bob');
  assert.equal(nodes.isUnfinished(whole.node), false);
  assert.equal(elements(whole.text.childNodes)[0].tagName, 'STRONG');
  const plain = nodes.make(message('just words'), 'bob', { later: true });
  assert.equal(nodes.isUnfinished(plain.node), false);
  assert.equal(plain.text.textContent, 'just words');
  assert.equal(nodes.finish(fakeDocument.createElement('div')), false);
});
