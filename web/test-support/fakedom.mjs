// A tiny stand-in for `document`, enough for render.js: it records what was made.
class FakeNode {
  constructor(nodeType, tagName = null) {
    this.nodeType = nodeType;
    this.tagName = tagName;
    this.attributes = new Map();
    this.childNodes = [];
    this.data = '';
  }
  setAttribute(name, value) { this.attributes.set(String(name).toLowerCase(), String(value)); }
  getAttribute(name) { return this.attributes.get(name) ?? null; }
  appendChild(child) { this.childNodes.push(child); return child; }
  append(...children) { for (const c of children) this.appendChild(c); }
  insertBefore(child, before) {
    const at = before === null ? -1 : this.childNodes.indexOf(before);
    if (at < 0) this.childNodes.push(child);
    else this.childNodes.splice(at, 0, child);
    return child;
  }
  set textContent(value) { this.childNodes = [fakeDocument.createTextNode(value)]; }
  get textContent() { return this.nodeType === 3 ? this.data : this.childNodes.map((c) => c.textContent).join(''); }
  set innerHTML(_) { throw new Error('innerHTML must not be used'); }
  set className(value) { this.setAttribute('class', value); }
  get className() { return this.getAttribute('class') ?? ''; }
  set dir(value) { this.setAttribute('dir', value); }
  set type(value) { this.setAttribute('type', value); }
  get dataset() {
    const node = this;
    const name = (key) => `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return new Proxy({}, { set: (_, key, value) => { node.setAttribute(name(key), value); return true; },
      get: (_, key) => node.getAttribute(name(key)) ?? undefined });
  }
  get style() { return { setProperty: (name, value) => this.setAttribute('style', `${name}: ${value}`) }; }
  replaceChildren(...children) { this.childNodes = children; }
  get firstChild() { return this.childNodes[0] ?? null; }
  get lastChild() { return this.childNodes[this.childNodes.length - 1] ?? null; }
  cloneNode(deep = false) {
    const copy = new FakeNode(this.nodeType, this.tagName);
    copy.data = this.data;
    copy.attributes = new Map(this.attributes);
    if (deep) copy.childNodes = this.childNodes.map((c) => c.cloneNode(true));
    return copy;
  }
}

export const fakeDocument = {
  createElement: (tag) => new FakeNode(1, String(tag).toUpperCase()),
  createTextNode: (text) => Object.assign(new FakeNode(3), { data: String(text) }),
};

/** Every element under `nodes`, depth first. */
export function elements(nodes) {
  const out = [];
  const walk = (node) => {
    if (node.nodeType === 1) out.push(node);
    node.childNodes.forEach(walk);
  };
  nodes.forEach(walk);
  return out;
}
