// The marks of signed nicknames on a message node: a small ✓ on a verified message, a
// clear warning on a forged one (a nickname with a key, and no or a wrong signature).
// Text only, made with createElement/textContent. Also the note that replaces direct
// messages for a member without a personal secret (direct.js loads only with one).
import { t } from './i18n.js';

/** Why a member without a personal secret cannot open direct messages (in the page's language, fixed until a reload). */
export const NO_SECRET = t('direct.noSecret');

/** The "Direct" section of the rooms' list for a member without keys: why there is none; returns it (to remove). */
export function directClosedNote(doc) {
  const section = doc.createElement('div');
  section.className = 'direct-section';
  const title = doc.createElement('h2');
  title.textContent = t('direct.heading');
  const note = doc.createElement('p');
  note.className = 'direct-closed';
  note.textContent = NO_SECRET;
  section.append(title, note);
  doc.getElementById('all_rooms')?.insertBefore(section, doc.getElementById('new_room_form'));
  return section;
}

/** The nodes to put after a message's author: [] for a plain message. */
export function verdictMark(doc, message) {
  if (message.verdict !== 'verified' && message.verdict !== 'forged') return [];
  const mark = doc.createElement('span');
  if (message.verdict === 'verified') {
    mark.className = 'verified';
    mark.textContent = '✓';
    mark.title = t('identity.signed', { nick: message.author });
    mark.setAttribute('aria-label', t('identity.verified'));
  } else {
    mark.className = 'forged';
    mark.textContent = `⚠ ${t('identity.notFrom', { nick: message.author })}`;
    mark.title = t('identity.forged', { nick: message.author });
    mark.setAttribute('role', 'note');
  }
  return [mark];
}
