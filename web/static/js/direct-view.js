// The DOM of direct messages: the "Direct" section under the rooms (conversations with
// unread counts, or why there are none without a personal secret), a ✉ button by each
// nickname whose key is known, and the panel of one conversation over the room's messages
// (its log and its own input). It makes its elements itself (ids `direct_list`,
// `direct_panel`, `direct_title`, `direct_close`, `direct_notice`, `direct_texts`,
// `direct_form`, `direct_text`) and removes them in dispose(). createElement/textContent only.
import { renderMarkdown } from './markdown.js';
import { verdictMark } from './identity-view.js';
import { nickHue } from './render.js';
import { NO_SECRET } from './direct.js';
import { t, plural, errorText, formatNumber } from './i18n.js';
import { timeLabel, fullDate } from './message-node.js';

export class DirectView {
  /**
   * @param {Document} doc
   * @param {import('./direct.js').DirectMessages} direct
   * @param {{ unreadChanged: () => void }} hooks
   */
  constructor(doc, direct, { unreadChanged = () => {} } = {}) {
    this.doc = doc;
    this.direct = direct;
    this.unreadChanged = unreadChanged;
    this.items = new Map(); // peer -> button
    this.open = null;
    const rooms = doc.getElementById('all_rooms');
    this.section = this.el('div', 'direct-section');
    this.list = this.el('ul', 'direct-list');
    this.list.id = 'direct_list';
    this.section.append(this.el('h2', null, t('direct.heading')), this.list);
    if (!direct.available) this.section.append(this.el('p', 'direct-closed', NO_SECRET));
    rooms?.insertBefore(this.section, doc.getElementById('new_room_form'));
    this.panel = this.makePanel();
    doc.querySelector('section.room')?.append(this.panel);
    this.onListClick = (event) => {
      const button = event.target.closest('button[data-peer]');
      if (button) this.show(button.dataset.peer);
    };
    this.list.addEventListener('click', this.onListClick);
    this.onNickClick = (event) => {
      const button = event.target.closest('button.direct-start');
      if (!button) return;
      event.stopPropagation();
      this.show(button.dataset.directNick);
    };
    doc.getElementById('all_nicks')?.addEventListener('click', this.onNickClick, true);
    // Choosing a room (or searching) goes back to the rooms.
    this.onRoomClick = (event) => {
      if (this.open !== null && event.target.closest('button[data-room], #search_form')) this.hide();
    };
    doc.addEventListener('click', this.onRoomClick);
  }

  dispose() {
    this.list.removeEventListener('click', this.onListClick);
    this.doc.getElementById('all_nicks')?.removeEventListener('click', this.onNickClick, true);
    this.doc.removeEventListener('click', this.onRoomClick);
    for (const button of this.doc.querySelectorAll('.direct-start')) button.remove();
    this.section.remove();
    this.panel.remove();
  }

  el(tag, className, text) {
    const node = this.doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  makePanel() {
    const panel = this.el('section', 'direct-panel');
    panel.id = 'direct_panel';
    panel.hidden = true;
    panel.setAttribute('aria-labelledby', 'direct_title');
    const head = this.el('header', 'bar');
    this.title = this.el('h2', null, t('direct.heading'));
    this.title.id = 'direct_title';
    const close = this.el('button', null, t('direct.back'));
    close.id = 'direct_close';
    close.type = 'button';
    close.addEventListener('click', () => this.hide());
    head.append(this.title, close);
    this.notice = this.el('p', 'direct-notice');
    this.notice.id = 'direct_notice';
    this.notice.setAttribute('role', 'status');
    this.log = this.el('div', 'texts direct-texts');
    this.log.id = 'direct_texts';
    this.log.setAttribute('role', 'log');
    this.log.tabIndex = 0;
    const form = this.el('form', 'input');
    form.id = 'direct_form';
    this.input = this.el('textarea');
    this.input.id = 'direct_text';
    this.input.rows = 1;
    this.input.setAttribute('aria-label', t('direct.inputLabel'));
    this.input.placeholder = t('direct.placeholder');
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
      if (event.key === 'Escape') this.hide();
    });
    const send = this.el('button', null, t('input.send'));
    send.type = 'submit';
    form.append(this.input, send);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    panel.append(head, this.notice, this.log, form);
    return panel;
  }

  /** The ✉ button by a nickname of the user list, when a conversation can be started. */
  decorateNick(nick, item) {
    const has = item.querySelector('.direct-start');
    if (!this.direct.canStart(nick)) {
      has?.remove();
      return;
    }
    if (has) return;
    const button = this.el('button', 'direct-start', '✉');
    button.type = 'button';
    button.dataset.directNick = nick;
    button.title = t('direct.to', { nick });
    button.setAttribute('aria-label', button.title);
    item.append(button);
  }

  /** Opens the conversation with `peer`. */
  show(peer) {
    this.open = peer;
    this.title.textContent = t('direct.with', { nick: peer });
    this.notice.textContent = this.direct.available ? '' : NO_SECRET;
    this.panel.hidden = false;
    this.renderLog();
    this.direct.select(peer).catch(() => {});
    this.input.focus();
  }

  hide() {
    this.open = null;
    this.panel.hidden = true;
    this.direct.select(null);
  }

  async submit() {
    const text = this.input.value;
    if (text.trim() === '' || this.open === null) return;
    this.input.value = '';
    try {
      const result = await this.direct.send(this.open, text);
      if (result.problem) {
        this.notice.textContent = result.problem;
        this.input.value = text;
      }
    } catch (error) {
      this.notice.textContent = t('status.notSent', { reason: errorText(error) });
    }
  }

  /** A conversation changed (a message, an unread count): the list and, when open, the log. */
  changed({ peer }) {
    this.syncList();
    if (peer === this.open) this.renderLog();
    this.unreadChanged();
  }

  syncList() {
    for (const { peer, unread } of this.direct.list()) {
      let button = this.items.get(peer);
      if (!button) {
        button = this.el('button', 'room-link direct-link');
        button.type = 'button';
        button.dataset.peer = peer;
        button.append(this.el('span', 'room-name', peer), this.el('span', 'unread'));
        const item = this.el('li');
        item.append(button);
        this.list.append(item);
        this.items.set(peer, button);
      }
      button.querySelector('.unread').textContent = unread > 0 ? formatNumber(unread) : '';
      button.setAttribute('aria-label', unread > 0 ? plural('direct.unread', unread, { nick: peer }) : t('direct.listItem', { nick: peer }));
    }
  }

  renderLog() {
    const conversation = this.direct.conversations.get(this.open);
    const nodes = (conversation?.messages ?? []).map((message) => this.messageNode(message));
    this.log.replaceChildren(...nodes);
    this.log.scrollTop = this.log.scrollHeight;
  }

  messageNode(message) {
    const node = this.el('div', 'msg');
    if (message.id) node.dataset.id = message.id;
    if (message.author === this.direct.nick) node.classList.add('mine');
    const date = new Date(message.ts);
    const time = this.el('time', 'time', timeLabel(date));
    time.setAttribute('datetime', date.toISOString());
    time.title = fullDate(date);
    const author = this.el('span', 'author', message.author);
    author.style.setProperty('--hue', String(nickHue(message.author)));
    const text = this.el('span', 'text');
    text.dir = 'auto';
    if (message.problem) {
      node.classList.add('undecryptable');
      text.append(this.el('i', null, message.problem));
    } else {
      text.append(...renderMarkdown(this.doc, message.text));
    }
    if (message.verdict === 'forged') node.classList.add('forged-msg');
    node.append(time, author, ...verdictMark(this.doc, message), text);
    return node;
  }
}
