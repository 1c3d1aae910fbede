// What the reader does with a message (protocol v2), in the DOM: the actions toolbar
// (reply, react, edit and delete own) shown on hover, long-press or keyboard focus; the
// emoji picker; the reply/edit bar above the input; reply quotes, "(edited)", tombstones
// and reaction counts on messages; the copy button of code blocks; "alice is typing…".
// Everything works by keyboard: ↑/↓ in the message list move between messages, R replies,
// E edits, Delete deletes, + reacts, Escape goes back to the input; ↑ in an empty input
// edits the last own message. It reports to the handlers given to `bind()`: send(text,
// replyTo) → bool, edit(id, text) → bool, remove(id), react(id, emoji) → bool, typed(),
// jumpToMessage(id).
import { copyButton } from './markdown.js';
import { t, plural, formatDate, formatNumber } from './i18n.js';

export const COMMON_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];
const LONG_PRESS = 500; // ms
const QUOTE_LENGTH = 120;

export class MessageActions {
  /** @param {import('./view.js').View} view */
  constructor(view) {
    this.view = view;
    this.doc = view.doc;
    this.handlers = null;
    this.mode = null; // { kind: 'reply' | 'edit', id }
    this.missing = new Set(); // ids of originals quoted before they were loaded
    const el = (tag, className, text) => view.el(tag, className, text);
    // One toolbar, moved to the message it acts on.
    this.toolbar = el('div', 'msg-actions');
    this.toolbar.setAttribute('role', 'toolbar');
    this.toolbar.setAttribute('aria-label', t('actions.toolbar'));
    const button = (action, label, title) => {
      const b = el('button', `act act-${action}`, label);
      b.type = 'button';
      b.dataset.action = action;
      b.title = title;
      b.setAttribute('aria-label', title);
      return b;
    };
    this.buttons = {
      reply: button('reply', '↩', t('actions.reply')),
      react: button('react', '☺+', t('actions.react')),
      edit: button('edit', '✎', t('actions.edit')),
      remove: button('remove', '🗑', t('actions.delete')),
    };
    this.confirmBox = el('span', 'confirm-delete');
    this.confirmBox.append(el('span', null, `${t('actions.confirmDelete')} `), button('confirm-remove', t('actions.deleteButton'), t('actions.deleteIt')),
      button('keep', t('actions.keep'), t('actions.keepIt')));
    this.confirmBox.hidden = true;
    this.toolbar.append(...Object.values(this.buttons), this.confirmBox);
    // The picker: common emoji, or any typed one.
    this.picker = el('div', 'react-picker');
    this.picker.setAttribute('role', 'dialog');
    this.picker.setAttribute('aria-label', t('actions.picker'));
    for (const emoji of COMMON_EMOJI) {
      const b = el('button', 'pick', emoji);
      b.type = 'button';
      b.dataset.emoji = emoji;
      b.setAttribute('aria-label', t('actions.reactWith', { emoji }));
      this.picker.append(b);
    }
    this.pickerForm = el('form', 'pick-other');
    this.pickerInput = el('input');
    this.pickerInput.setAttribute('aria-label', t('actions.anyEmoji'));
    this.pickerInput.placeholder = t('actions.other');
    this.pickerInput.maxLength = 64;
    const add = el('button', 'pick-add', t('actions.add'));
    add.type = 'submit';
    this.pickerForm.append(this.pickerInput, add);
    this.picker.append(this.pickerForm);
    this.picker.hidden = true;
  }

  /** The elements of the page this module owns: the reply/edit bar and the typing line. */
  attach(compose, composeText, composeCancel, typingLine) {
    this.compose = compose;
    this.composeText = composeText;
    this.composeCancel = composeCancel;
    this.typingLine = typingLine;
  }

  /** Another room is shown: a reply or an edit of this one ends. */
  leaveRoom() {
    this.cancelMode();
    this.hideToolbar();
  }

  reset() {
    this.missing?.clear();
    this.cancelMode();
    this.hideToolbar();
    this.setTyping([]);
  }

  get input() {
    return this.view.input;
  }

  /** The message object behind a node of the current room. */
  messageOf(node) {
    const id = node?.dataset.id;
    return id ? this.view.logs.get(this.view.current)?.room.byId.get(id) : undefined;
  }

  bind(handlers) {
    this.handlers = handlers;
    const texts = this.view.texts;
    // Hover and focus bring the toolbar to a message.
    texts.addEventListener('mouseover', (event) => {
      const node = event.target.closest('.msg');
      if (node && node !== this.target && !this.toolbar.contains(event.target)) this.showToolbar(node);
    });
    texts.addEventListener('focusin', (event) => {
      const node = event.target.closest('.msg');
      if (node && node !== this.target) this.showToolbar(node);
    });
    // A code block's Copy button is made when the pointer or the focus comes to the block.
    for (const name of ['pointerover', 'focusin']) {
      texts.addEventListener(name, (event) => {
        const pre = event.target.closest?.('pre.md-code');
        if (pre) copyButton(this.doc, pre);
      });
    }
    // Long-press on a touch screen.
    texts.addEventListener('pointerdown', (event) => {
      if (event.pointerType !== 'touch') return;
      const node = event.target.closest('.msg');
      clearTimeout(this.press);
      if (node) this.press = setTimeout(() => this.showToolbar(node), LONG_PRESS);
    });
    for (const name of ['pointerup', 'pointercancel', 'pointermove']) texts.addEventListener(name, () => clearTimeout(this.press));
    // The mouse leaves the list: the toolbar goes, unless it is in use (focus, the picker, the confirm).
    texts.addEventListener('mouseleave', () => {
      if (this.target && !this.target.contains(this.doc.activeElement) && this.picker.hidden && this.confirmBox.hidden) {
        this.hideToolbar();
      }
    });
    texts.addEventListener('click', (event) => this.onClick(event));
    texts.addEventListener('keydown', (event) => this.onListKey(event));
    this.picker.addEventListener('click', (event) => {
      const pick = event.target.closest('button.pick');
      if (pick) this.react(pick.dataset.emoji);
    });
    this.pickerForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.react(this.pickerInput.value.trim())) this.pickerInput.value = '';
    });
    this.picker.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        this.closePicker(true);
      }
    });
    this.composeCancel.addEventListener('click', () => {
      this.cancelMode();
      this.input.focus();
    });
    // The input: Enter sends, Shift+Enter a new line, ↑ when empty edits the last own message.
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.input.form.requestSubmit();
      } else if (event.key === 'ArrowUp' && !event.altKey && this.input.value === '') {
        const last = this.lastOwn();
        if (last) {
          event.preventDefault();
          this.startEdit(last);
        }
      } else if (event.key === 'Escape' && this.mode) {
        event.preventDefault();
        this.cancelMode();
      }
    });
    this.input.addEventListener('input', () => {
      if (this.input.value !== '' && this.mode?.kind !== 'edit') handlers.typed();
    });
  }

  // --- the input form ----------------------------------------------------------------------

  /** The input form was submitted with `text`: a message, a reply or an edit. True clears the input. */
  submit(text) {
    const mode = this.mode;
    if (mode?.kind === 'edit') {
      if (text.trim() === '') return false;
      const done = this.handlers.edit(mode.id, text);
      if (done) this.cancelMode();
      return done;
    }
    if (text.trim() === '') return false;
    const sent = this.handlers.send(text, mode?.kind === 'reply' ? mode.id : null);
    if (sent) this.cancelMode();
    return sent;
  }

  lastOwn() {
    const messages = this.view.logs.get(this.view.current)?.room.messages ?? [];
    for (let i = messages.length - 1; i >= 0; i -= 1) {
      const m = messages[i];
      if (m.author === this.view.me && m.id && !m.deleted) return m;
    }
    return null;
  }

  startReply(message) {
    this.mode = { kind: 'reply', id: message.id };
    this.composeText.replaceChildren(this.view.el('span', 'compose-kind', `${t('compose.replying')} `), this.quoteText(message));
    this.compose.hidden = false;
    this.input.focus();
  }

  startEdit(message) {
    this.mode = { kind: 'edit', id: message.id };
    this.composeText.replaceChildren(this.view.el('span', 'compose-kind', t('compose.editing')));
    this.compose.hidden = false;
    this.input.value = message.text;
    this.input.focus();
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
  }

  cancelMode() {
    if (this.mode?.kind === 'edit') this.input.value = '';
    this.mode = null;
    if (this.compose) this.compose.hidden = true;
  }

  // --- the toolbar ---------------------------------------------------------------------------

  showToolbar(node) {
    const message = this.messageOf(node);
    if (!message || message.deleted) {
      this.hideToolbar();
      return;
    }
    this.target?.classList.remove('acting');
    this.target = node;
    node.classList.add('acting'); // out of content-visibility's clip (chatt.css)
    const mine = message.author === this.view.me;
    this.buttons.edit.hidden = !mine;
    this.buttons.remove.hidden = !mine;
    this.confirmBox.hidden = true;
    for (const b of Object.values(this.buttons)) b.classList.remove('asking');
    node.append(this.toolbar);
    if (this.picker.parentElement && this.picker.parentElement !== node) this.closePicker(false);
  }

  hideToolbar() {
    this.target?.classList.remove('acting');
    this.toolbar.remove();
    this.closePicker(false);
    this.target = null;
  }

  closePicker(focus) {
    const owner = this.picker.parentElement;
    this.picker.hidden = true;
    this.picker.remove();
    if (focus && owner) owner.focus();
  }

  react(emoji) {
    const message = this.messageOf(this.target);
    if (!message || !this.handlers.react(message.id, emoji)) return false;
    this.closePicker(true);
    return true;
  }

  onClick(event) {
    const copy = event.target.closest('button.md-copy');
    if (copy) {
      this.copyCode(copy);
      return;
    }
    const quote = event.target.closest('button.reply-quote');
    if (quote) {
      this.handlers.jumpToMessage(quote.dataset.target);
      return;
    }
    const chip = event.target.closest('button.reaction');
    if (chip) {
      const message = this.messageOf(chip.closest('.msg'));
      if (message) this.handlers.react(message.id, chip.dataset.emoji);
      return;
    }
    const action = event.target.closest('.msg-actions button')?.dataset.action;
    if (action) this.act(action);
  }

  /** One of the toolbar's actions on the message it is on. */
  act(action) {
    const node = this.target;
    const message = this.messageOf(node);
    if (!message) return;
    const mine = message.author === this.view.me;
    if (action === 'reply') this.startReply(message);
    else if (action === 'edit' && mine) this.startEdit(message);
    else if (action === 'remove' && mine) {
      this.confirmBox.hidden = false;
      this.confirmBox.querySelector('[data-action="keep"]').focus();
    } else if (action === 'keep') {
      this.confirmBox.hidden = true;
      node.focus();
    } else if (action === 'confirm-remove' && mine) {
      this.hideToolbar();
      this.handlers.remove(message.id);
      this.input.focus();
    } else if (action === 'react') {
      this.picker.hidden = false;
      node.append(this.picker);
      this.picker.querySelector('button.pick').focus();
    }
  }

  copyCode(button) {
    const code = button.closest('pre')?.querySelector('code');
    if (!code) return;
    const done = () => {
      button.textContent = t('code.copied');
      setTimeout(() => { button.textContent = t('code.copy'); }, 1500);
    };
    const clipboard = this.doc.defaultView.navigator.clipboard;
    if (clipboard?.writeText) {
      clipboard.writeText(code.textContent).then(done, () => this.selectCode(code));
    } else {
      this.selectCode(code); // plain http on a LAN: no clipboard API; the code is selected for Ctrl+C
    }
  }

  selectCode(code) {
    const range = this.doc.createRange();
    range.selectNodeContents(code);
    const selection = this.doc.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  /** Keys in the message list: ↑/↓ between messages, and the actions on the focused one. */
  onListKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest('input, textarea, .react-picker')) return;
    const log = this.view.logs.get(this.view.current)?.element;
    if (!log) return;
    const node = event.target.closest('.msg');
    const step = event.key === 'ArrowUp' ? -1 : event.key === 'ArrowDown' ? 1 : 0;
    if (step !== 0) {
      event.preventDefault();
      const all = [...log.querySelectorAll('.msg')];
      const at = node ? all.indexOf(node) + step : all.length - 1;
      const next = all[Math.max(0, Math.min(all.length - 1, at))];
      if (next) {
        next.tabIndex = -1;
        next.focus();
        next.scrollIntoView({ block: 'nearest' });
      }
      return;
    }
    if (!node || event.target !== node) return;
    const keys = { r: 'reply', R: 'reply', e: 'edit', E: 'edit', Delete: 'remove', '+': 'react' };
    if (event.key === 'Escape') {
      event.preventDefault();
      this.input.focus();
    } else if (keys[event.key]) {
      event.preventDefault();
      if (this.target !== node) this.showToolbar(node);
      this.act(keys[event.key]);
    }
  }

  // --- what a message shows ----------------------------------------------------------------

  /** "alice: the text…" of a message, plain, for quotes. */
  quoteText(message) {
    const span = this.view.el('span', 'quote-text');
    if (!message) {
      span.textContent = t('quote.notLoaded');
      return span;
    }
    const text = message.deleted ? t('message.deleted') : message.text.replace(/\s+/g, ' ');
    span.append(this.view.el('b', null, `${message.author}: `),
      this.view.el('span', null, text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH)}…` : text));
    return span;
  }

  /** The v2 parts of a message node: reply quote before its text, "(edited)", reactions after. */
  decorate(node, message, text, room) {
    if (message.replyTo) {
      const quote = this.view.el('button', 'reply-quote');
      quote.type = 'button';
      quote.dataset.target = message.replyTo;
      quote.title = t('quote.show');
      const original = room?.byId.get(message.replyTo);
      if (!original) this.missing.add(message.replyTo);
      quote.append(this.quoteText(original));
      node.insertBefore(quote, text);
    }
    if (message.deleted) {
      node.classList.add('deleted');
      text.replaceChildren(this.view.el('i', null, t('message.deleted')));
      return;
    }
    if (message.edited != null) {
      const mark = this.view.el('span', 'edited', t('message.edited'));
      mark.title = t('message.editedAt', { date: formatDate(new Date(message.edited), { dateStyle: 'medium', timeStyle: 'short' }) });
      text.after(mark);
    }
    if (message.reactions?.size > 0) {
      const row = this.view.el('div', 'reactions');
      for (const [emoji, who] of message.reactions) {
        const chip = this.view.el('button', 'reaction');
        chip.type = 'button';
        chip.dataset.emoji = emoji;
        const names = [...who];
        chip.title = names.join(', ');
        chip.setAttribute('aria-label', plural('reactions.label', names.length, { emoji, names: names.join(', ') }));
        chip.setAttribute('aria-pressed', String(who.has(this.view.me)));
        chip.append(this.view.el('span', 'emoji', emoji), this.view.el('span', 'count', formatNumber(names.length)));
        row.append(chip);
      }
      node.append(row);
    }
  }

  /** A message came: quotes that waited for it show it now. */
  arrived(message) {
    if (message.id && this.missing.delete(message.id)) this.refreshQuotes(message);
  }

  /** The quotes of replies to `message` say its new text. */
  refreshQuotes(message) {
    for (const quote of this.view.texts.querySelectorAll(`button.reply-quote[data-target="${this.doc.defaultView.CSS.escape(message.id)}"]`)) {
      quote.replaceChildren(this.quoteText(message));
    }
  }

  /** "alice is typing…", "alice and bob are typing…", "3 people are typing…". */
  setTyping(names) {
    if (!this.typingLine) return;
    const text = names.length === 0 ? ''
      : names.length === 1 ? t('typing.oneNick', { nick: names[0] })
        : names.length === 2 ? t('typing.twoNicks', { first: names[0], second: names[1] })
          : plural('typing.many', names.length);
    if (this.typingLine.textContent !== text) this.typingLine.textContent = text;
  }
}
