import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendMarkdown, copyButton, renderMarkdown, parseBlocks, parseInline, textOutsideCode } from '../static/js/markdown.js';
import { renderText } from '../static/js/render.js';
import { fakeDocument, elements } from '../test-support/fakedom.mjs';

// The rendered nodes as a compact string: <tag attr="v">children</tag>, text as is.
function html(nodes) {
  const one = (node) => {
    if (node.nodeType === 3) return node.data;
    const attrs = [...node.attributes].map(([k, v]) => ` ${k}="${v}"`).join('');
    const tag = node.tagName.toLowerCase();
    return `<${tag}${attrs}>${node.childNodes.map(one).join('')}</${tag}>`;
  };
  return nodes.map(one).join('');
}
const md = (text) => html(renderMarkdown(fakeDocument, text));

test('plain text is render.js plain text, node for node', () => {
  for (const text of ['hello', 'see https://x.org :) ok', 'two\nlines', '', 'a - b', '3.14']) {
    assert.equal(md(text), html(renderText(fakeDocument, text)), text);
  }
});

test('appendMarkdown appends what renderMarkdown makes, in order, to the given element', () => {
  for (const text of ['hello :)', '**b** and\n- one\n- *two*\n```js\nx\n```\n> q']) {
    const parent = fakeDocument.createElement('span');
    assert.equal(appendMarkdown(fakeDocument, parent, text), parent);
    assert.equal(html(parent.childNodes), md(text), text);
  }
});

test('inline: bold, italic both ways, strike, code', () => {
  assert.equal(md('**b** *i* _i_ ~~s~~ `c`'), '<strong>b</strong> <em>i</em> <em>i</em> <s>s</s> <code>c</code>');
  assert.equal(md('***both***'), '<strong><em>both</em></strong>');
  assert.equal(md('**a *b* c**'), '<strong>a <em>b</em> c</strong>');
  assert.equal(md('``a `tick` b``'), '<code>a `tick` b</code>');
});

test('what is not emphasis stays text', () => {
  for (const text of ['snake_case_name', '__init__', 'a * b * c', '**unclosed', '~single~', '* not', 'x_y_ z', '** **']) {
    assert.equal(md(text), text, text);
  }
});

test('nothing inside code: no emphasis, link, image, emoticon', () => {
  assert.equal(md('`**x** http://a.org :) :img:(https://a.org/p.png) @bob`'),
    '<code>**x** http://a.org :) :img:(https://a.org/p.png) @bob</code>');
  const block = md('```\n**x** http://a.org :)\n```');
  assert.match(block, /<code>\*\*x\*\* http:\/\/a\.org :\)<\/code>/);
});

test('links, images and emoticons inside emphasis', () => {
  assert.equal(md('**see http://a.org/x_y**'),
    '<strong>see <a href="http://a.org/x_y" rel="noopener noreferrer" target="_blank">http://a.org/x_y</a></strong>');
  assert.match(md('_wow :) ok_'), /^<em>wow <span class="emoticon" data-emoticon="happy" role="img" aria-label=":\)" title=":\)">:\)<\/span> ok<\/em>$/);
});

test('fenced code block: language label, copy button, whitespace kept', () => {
  assert.equal(md('look:\n```js\nif (a) {\n    b();\n}\n```\nafter'),
    'look:<pre class="md-code" tabindex="0" data-lang="js"><code>if (a) {\n    b();\n}</code></pre>after');
  // Unclosed: runs to the end; no language: no label.
  assert.equal(md('```\nx'), '<pre class="md-code" tabindex="0"><code>x</code></pre>');
  // A language "word" that is not one makes no fence.
  assert.equal(md('```<img src=x>'), '```&lt;img src=x&gt;'.replace('&lt;', '<').replace('&gt;', '>'));
  // The Copy button is made when wanted (the pointer or the focus on the block), once.
  const [pre] = renderMarkdown(fakeDocument, '```sh\nls\n```');
  const copy = copyButton(fakeDocument, pre);
  assert.equal(html([pre]), '<pre class="md-code" tabindex="0" data-lang="sh">' +
    '<button class="md-copy" type="button" title="Copy the code">Copy</button><code>ls</code></pre>');
  assert.equal(copyButton(fakeDocument, pre), copy);
  assert.equal(pre.childNodes.length, 2);
});

test('quotes and lists', () => {
  assert.equal(md('> one\n> **two**\nend'), '<blockquote class="md-quote">one\n<strong>two</strong></blockquote>end');
  assert.equal(md('- a\n- *b*'), '<ul class="md-list"><li>a</li><li><em>b</em></li></ul>');
  assert.equal(md('1. a\n2. b'), '<ol class="md-list"><li>a</li><li>b</li></ol>');
  assert.equal(md('3. c\n4. d'), '<ol class="md-list" start="3"><li>c</li><li>d</li></ol>');
  assert.deepEqual(parseBlocks('- a\n1. b').map((b) => b.type), ['list', 'list']);
  assert.equal(md('>no space'), '>no space');
});

test('mentions count outside code only', () => {
  assert.equal(textOutsideCode('hi `@bob` there\n```\n@bob\n```\n@al'), 'hi   there\n@al');
  assert.equal(textOutsideCode('@bob'), '@bob');
});

// The hidden-payload rule: whatever a message says, the only elements are the ones the
// renderer makes, with attributes it sets; addresses are http(s) or our emoticons.
const ALLOWED = new Set(['A', 'IMG', 'STRONG', 'EM', 'S', 'CODE', 'PRE', 'DIV', 'SPAN', 'BUTTON', 'BLOCKQUOTE', 'UL', 'OL', 'LI']);
const ATTRIBUTES = new Set(['href', 'rel', 'target', 'src', 'alt', 'title', 'class', 'loading', 'referrerpolicy', 'tabindex', 'type', 'start',
  'data-emoticon', 'role', 'aria-label', 'data-lang']);
const PAYLOADS = [
  '<img src=x onerror=alert(1)>', '**<script>alert(1)</script>**', '`<b>x</b>`', '```html\n<iframe src=javascript:alert(1)>\n```',
  '[click](javascript:alert(1))', 'javascript:alert(1)', '**javascript:alert(1)**', '> <svg onload=alert(1)>',
  '- <a href="javascript:alert(1)">x</a>', '1. <style>*{}</style>', '_<img src=x onerror=alert(1)>_',
  ':img:(javascript:alert(1))', ':img:(data:text/html,<script>alert(1)</script>)', '~~<b onclick=alert(1)>x</b>~~',
  '```" onmouseover="alert(1)\nx\n```', '```js onload=alert(1)\nx\n```', 'http://a.org/"onmouseover="alert(1)',
  '**http://a.org/<script>**', '*[x](vbscript:msgbox)*', '<a href=javascript:alert(1)>**x**</a>',
  ':) data-emoticon="x" onerror=alert(1) :)', '**:) <img src=x onerror=alert(1)>** ;)', '- :P <svg onload=alert(1)>',
];

test('no element or attribute from a message ever becomes markup; javascript: links stay text', () => {
  for (const payload of PAYLOADS) {
    const nodes = renderMarkdown(fakeDocument, payload);
    for (const element of elements(nodes)) {
      assert.ok(ALLOWED.has(element.tagName), `${payload}: <${element.tagName}>`);
      for (const [name, value] of element.attributes) {
        assert.ok(ATTRIBUTES.has(name), `${payload}: attribute ${name}`);
        if (name === 'href') assert.match(value, /^https?:\/\//, payload);
        if (name === 'src') assert.match(value, /^https?:\/\//, payload);
        if (name === 'data-emoticon') assert.match(value, /^(happy|shappy|sad|gibber|confused|wink|crazy)$/, payload);
        if (name === 'role') assert.equal(value, 'img', payload);
        if (name === 'aria-label') assert.match(value, /^(:\)\)|:\)|:\(|:D|:P|:\/|;\)|XD|\^\^)$/, payload);
        if (name === 'class') assert.match(value, /^(md-[a-z-]+|inline-image|emoticon)$/, payload);
        if (name === 'start') assert.match(value, /^\d+$/, payload);
        if (name === 'data-lang') assert.match(value, /^[A-Za-z0-9_+#.-]{1,32}$/, payload);
        if (name === 'tabindex') assert.equal(value, '0', payload);
      }
    }
    // Every character of the payload is still shown (as text or a picture's alt), but
    // the Markdown markers the renderer consumed.
    const shown = nodes.map((n) => n.textContent).join('');
    for (const word of payload.match(/javascript:|<script>|onerror|onload|onclick|onmouseover/g) ?? []) {
      assert.ok(shown.includes(word) || elements(nodes).some((e) => (e.getAttribute('alt') ?? '').includes(word)), `${payload}: ${word} shown as text`);
    }
  }
  assert.equal(md('[click](javascript:alert(1))'), '[click](javascript:alert(1))');
  assert.equal(md('javascript:alert(1)'), 'javascript:alert(1)');
});

test('a long text of lone markers stays linear and text', () => {
  const text = '*a _b ~~c `d '.repeat(2000);
  const parts = parseInline(text);
  assert.equal(parts.map((p) => p.text ?? '').join('').length > 0, true);
  assert.ok(md(text).startsWith('*a _b ~~c '));
});
