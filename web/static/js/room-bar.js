// The room's topic under its name (with its "edit topic" control), the archive button, and
// the "Archived rooms" list: the part of the view for issue 18's rooms. Built with
// createElement/textContent only. The View makes it and hands it its elements.
import { t } from './i18n.js';

export class RoomBar {
  /** @param {Document} doc @param {(id: string) => HTMLElement} $ the view's element lookup */
  constructor(doc, $) {
    this.doc = doc;
    this.topicLine = $('room_topic');
    this.editButton = $('edit_topic');
    this.form = $('topic_form');
    this.field = $('topic_text');
    this.archiveButton = $('archive_room');
    this.showButton = $('show_archived');
    this.list = $('archived_rooms');
    this.room = null;
    this.archived = false;
    this.topicText = '';
  }

  /**
   * setTopic(text) → bool (false: refused, the form stays); archive(room, on) → archives
   * the room (or shows it again); done() → the form closed (focus back to the input).
   */
  bind({ setTopic, archive, done }) {
    this.editButton.addEventListener('click', () => this.openForm());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (setTopic(this.field.value.trim())) {
        this.closeForm();
        done();
      }
    });
    this.field.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      this.closeForm();
      done();
    });
    this.archiveButton.addEventListener('click', () => {
      if (this.room !== null) archive(this.room, !this.archived);
    });
    this.showButton.addEventListener('click', () => {
      const open = this.list.hidden;
      this.list.hidden = !open;
      this.showButton.setAttribute('aria-expanded', String(open));
    });
    this.list.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-unarchive]');
      if (button) archive(button.dataset.unarchive, false);
    });
  }

  openForm() {
    this.field.value = this.topicText;
    this.form.hidden = false;
    this.topicLine.hidden = true;
    this.field.focus();
    this.field.select();
  }

  closeForm() {
    this.form.hidden = true;
    this.topicLine.hidden = false;
  }

  /** The open room, its topic ({text, author} or null), and whether it is archived. */
  show(room, topic, archived) {
    if (room !== this.room) this.closeForm();
    this.room = room;
    this.archived = archived;
    this.topicText = topic?.text ?? '';
    this.topicLine.textContent = this.topicText;
    this.topicLine.title = topic ? t('topic.setBy', { nick: topic.author }) : '';
    this.editButton.title = t(topic ? 'topic.edit' : 'topic.set');
    this.editButton.setAttribute('aria-label', this.editButton.title);
    this.archiveButton.hidden = room === 'main'; // main always exists, and always shows
    this.archiveButton.textContent = t(archived ? 'archive.unarchive' : 'archive.archive');
    this.archiveButton.title = t(archived ? 'archive.unarchiveTitle' : 'archive.archiveTitle');
  }

  /** The archived rooms, each with "open" (its name) and "Unarchive". */
  showArchived(rooms) {
    this.showButton.hidden = rooms.length === 0;
    this.showButton.textContent = t('rooms.archivedCount', { count: rooms.length });
    if (rooms.length === 0) {
      this.list.hidden = true;
      this.showButton.setAttribute('aria-expanded', 'false');
    }
    this.list.replaceChildren(...rooms.map((name) => {
      const item = this.doc.createElement('li');
      const open = this.doc.createElement('button');
      open.type = 'button';
      open.className = 'room-link';
      open.dataset.room = name;
      open.textContent = name;
      const unarchive = this.doc.createElement('button');
      unarchive.type = 'button';
      unarchive.className = 'unarchive';
      unarchive.dataset.unarchive = name;
      unarchive.textContent = t('archive.unarchive');
      unarchive.setAttribute('aria-label', t('archive.unarchiveRoom', { room: name }));
      item.append(open, unarchive);
      return item;
    }));
  }
}
