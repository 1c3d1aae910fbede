import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseText, renderText, safeHttpUrl, mentions, nickHue, EMOTICONS } from '../static/js/render.js';
import { fakeDocument, elements } from '../test-support/fakedom.mjs';

const text = (s) => ({ type: 'text', text: s });

test('plain text stays one text part', () => {
  assert.deepEqual(parseText('hello world'), [text('hello world')]);
  assert.deepEqual(parseText(''), []);
});

test('http(s) links become links; trailing punctuation stays text', () => {
  assert.deepEqual(parseText('see https://example.org/a?b=1#c, ok'), [
    text('see '),
    { type: 'link', href: 'https://example.org/a?b=1#c', text: 'https://example.org/a?b=1#c' },
    text(', ok'),
  ]);
  assert.deepEqual(parseText('(http://x.org/wiki/A_(b)).'), [
    text('('),
    { type: 'link', href: 'http://x.org/wiki/A_(b)', text: 'http://x.org/wiki/A_(b)' },
    text(').'),
  ]);
  assert.equal(parseText('HTTP://EXAMPLE.ORG')[0].href, 'http://example.org/');
});

test(':img:(url) becomes an image for http(s) only', () => {
  assert.deepEqual(parseText('look :img:(https://x.org/cat.png)!'), [
    text('look '),
    { type: 'image', src: 'https://x.org/cat.png', text: ':img:(https://x.org/cat.png)' },
    text('!'),
  ]);
});

test('emoticons become pictures, only standing alone', () => {
  for (const [code, name] of Object.entries(EMOTICONS)) {
    assert.deepEqual(parseText(`a ${code} b`), [text('a '), { type: 'emoticon', name, text: code }, text(' b')], code);
    assert.deepEqual(parseText(code), [{ type: 'emoticon', name, text: code }], code);
  }
  assert.deepEqual(parseText('ok :)).'), [text('ok '), { type: 'emoticon', name: 'shappy', text: ':))' }, text('.')]);
  for (const s of ['XDR', 'a:)', 'ftp://x', 'C:/dir', 'f(:P)', 'xd', ':p']) assert.deepEqual(parseText(s), [text(s)], s);
});

test('links and emoticons mixed', () => {
  const parts = parseText(':) http://a.b/c :( ^^');
  assert.deepEqual(parts.map((p) => p.type), ['emoticon', 'text', 'link', 'text', 'emoticon', 'text', 'emoticon']);
});

test('safeHttpUrl', () => {
  assert.equal(safeHttpUrl('https://x.org'), 'https://x.org/');
  for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', 'vbscript:x', '//x.org', '/local', 'http://', 'https:x.org', ' http://x.org', null, 42]) {
    assert.equal(safeHttpUrl(bad), null, String(bad));
  }
  assert.equal(safeHttpUrl('http://x.org/"onmouseover="alert(1)'), 'http://x.org/%22onmouseover=%22alert(1)');
});

// Strings that tried to run script in the original page.
const INJECTIONS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '"><svg onload=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  'javascript:alert(1)',
  ' javascript:alert(document.cookie)',
  'JaVaScRiPt:alert(1)',
  ':img:(javascript:alert(1))',
  ':img:(data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  ':img:(data:text/html,<script>alert(1)</script>)',
  ':img:(vbscript:msgbox(1))',
  ':img:(//evil.example/x.png)',
  ':img:(http://x.org/a.png" onerror="alert(1))',
  ':img:(https://x.org/a.png"onerror="alert(1)")',
  'http://x.org/"onmouseover="alert(1)',
  "http://x.org/'onmouseover='alert(1)",
  'http://x.org/<script>alert(1)</script>',
  'https://x.org/`onmouseover=alert(1)`',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  '<iframe src="javascript:alert(1)"></iframe>',
  '&lt;b&gt;bold&lt;/b&gt;',
  '<b onmouseover=alert(1)>@bob: hi</b> :)',
  'http://javascript:alert(1)',
  '\u202ehttp://x.org\u202c <img>',
  ':img:(http://x.org/a.png):img:(javascript:x)',
];

test('injection strings give only text nodes and safe http(s) elements', () => {
  for (const input of INJECTIONS) {
    const nodes = renderText(fakeDocument, input);
    assert.equal(nodes.map((n) => n.textContent || n.getAttribute('alt') || '').join(''), input, `${input}: nothing lost`);
    for (const el of elements(nodes)) {
      assert.ok(['A', 'IMG', 'SPAN'].includes(el.tagName), `${input}: <${el.tagName}>`);
      for (const [name, value] of el.attributes) {
        assert.ok(!name.startsWith('on'), `${input}: attribute ${name}`);
        if (name === 'href' || name === 'src') {
          assert.ok(/^https?:\/\/[^\s"'<>`]+$/.test(value), `${input}: ${name}=${value}`);
        }
      }
      if (el.tagName === 'SPAN') assertEmoticon(el, input);
      if (el.tagName === 'A') {
        assert.equal(el.getAttribute('rel'), 'noopener noreferrer');
        assert.equal(el.getAttribute('target'), '_blank');
      }
    }
  }
});

// An emoticon: a span of ours, its picture named from our list, its text the emoticon's.
function assertEmoticon(el, input) {
  assert.equal(el.getAttribute('class'), 'emoticon', input);
  assert.ok(Object.values(EMOTICONS).includes(el.getAttribute('data-emoticon')), `${input}: ${el.getAttribute('data-emoticon')}`);
  assert.ok(Object.keys(EMOTICONS).includes(el.textContent), `${input}: ${el.textContent}`);
  assert.equal(el.getAttribute('role'), 'img');
  assert.equal(el.getAttribute('aria-label'), el.textContent);
  assert.equal(el.getAttribute('title'), el.textContent);
  assert.deepEqual([...el.attributes.keys()].sort(), ['aria-label', 'class', 'data-emoticon', 'role', 'title'], input);
}

test('emoticons are spans holding their text, drawn by the style from our pictures', () => {
  const nodes = renderText(fakeDocument, 'hi :) and ;) and :)');
  assert.deepEqual(nodes.map((n) => n.textContent), ['hi ', ':)', ' and ', ';)', ' and ', ':)']);
  for (const at of [1, 3, 5]) assertEmoticon(nodes[at], 'hi :) and ;) and :)');
  assert.equal(nodes[1].getAttribute('data-emoticon'), 'happy');
  assert.equal(nodes[3].getAttribute('data-emoticon'), 'wink');
  assert.notEqual(nodes[1], nodes[5], 'each emoticon its own node');
});

test('text without any of : ; ^ XD is one text part, as the full scan makes it', () => {
  for (const s of ['hello world', 'a_b *c* ~~d~~ `e`', 'x\ny', 'Xd xD', 'ABC']) assert.deepEqual(parseText(s), [text(s)], s);
});

test('tags in messages are text, not elements', () => {
  const nodes = renderText(fakeDocument, '<img src=x onerror=alert(1)>');
  assert.equal(nodes.length, 1);
  assert.equal(nodes[0].nodeType, 3);
  assert.equal(nodes[0].data, '<img src=x onerror=alert(1)>');
});

test('mentions', () => {
  assert.ok(mentions('@ann: hi', 'ann'));
  assert.ok(mentions('hi @Ann!', 'ann'));
  assert.ok(mentions('hi @zoé', 'Zoé'));
  assert.ok(!mentions('hi @anna', 'ann'));
  assert.ok(!mentions('hi ann', 'ann'));
  assert.ok(mentions('@anna and @ann', 'ann'));
  assert.ok(!mentions('@ann', ''));
});

test('nickname hue is stable and spread', () => {
  assert.equal(nickHue('ann'), nickHue('ann'));
  const hues = new Set(['ann', 'bob', 'carl', 'dora', 'eve', 'fred', 'gus', 'hal'].map(nickHue));
  assert.ok(hues.size >= 6);
  for (const h of hues) assert.ok(h >= 0 && h < 360);
});

const SHA = 'ab'.repeat(32);

test(':img:(/data/files/…) of an upload: a picture of this chat, its size from the fragment', () => {
  const [part] = parseText(`:img:(/data/files/${SHA}/my%20cat.png#w=640&h=480)`);
  assert.deepEqual(part, {
    type: 'image', src: null, text: `:img:(/data/files/${SHA}/my%20cat.png#w=640&h=480)`,
    file: { path: `data/files/${SHA}/my%20cat.png`, name: 'my cat.png', width: 640, height: 480 },
  });
  const [img] = renderText(fakeDocument, `:img:(/data/files/${SHA}/cat.png#w=1024&h=512)`);
  assert.equal(img.getAttribute('data-file'), `data/files/${SHA}/cat.png`);
  assert.equal(img.getAttribute('src'), null, 'files.js sets it, with the credentials');
  assert.equal(img.getAttribute('width'), '1024');
  assert.equal(img.getAttribute('height'), '512');
  assert.equal(img.getAttribute('alt'), 'cat.png');
  assert.equal(img.getAttribute('style'), 'aspect-ratio: 1024 / 512', 'the box has the picture\'s shape before it loads');
  // Without a size: still a picture of this chat.
  assert.equal(parseText(`:img:(/data/files/${SHA}/x.gif)`)[0].file.width, undefined);
});

test('only /data/files/<64 hex>/<name> is a chat file; other relative paths stay text', () => {
  for (const bad of [`/data/files/${SHA.slice(1)}/x.png`, `/data/files/${SHA.toUpperCase()}/x.png`, `/data/lastinfo`,
    `/data/files/${SHA}/a/b.png`, `//evil.example/data/files/${SHA}/x.png`, `/data/files/${SHA}/x.png#w=1&h=1&onerror=x`]) {
    assert.deepEqual(parseText(`:img:(${bad})`), [text(`:img:(${bad})`)], bad);
  }
});

test('a link to a file of this chat downloads under its name; of another chat, an ordinary link', async () => {
  const { chatFile } = await import('../static/js/render.js');
  const origin = 'https://chat.example';
  assert.deepEqual(chatFile(`https://chat.example/data/files/${SHA}/notes%201.txt`, origin),
    { path: `data/files/${SHA}/notes%201.txt`, name: 'notes 1.txt' });
  assert.equal(chatFile(`https://other.example/data/files/${SHA}/notes.txt`, origin), null);
  assert.equal(chatFile(`https://chat.example/data/rooms/x`, origin), null);
  assert.equal(chatFile(`https://chat.example/data/files/${SHA}/%E0%A4%A.txt`, origin), null, 'a broken escape');
});
