// The naming rules of SPEC.md, as the Swift side (ChatCore Nickname, RoomName) checks them.
// Each check returns null when the name is fine, or a sentence saying what is wrong (in the
// page's language: i18n.js).
import { t } from './i18n.js';

export const NICK_MAX = 32;
export const ROOM_MAX = 64;
export const TEXT_MAX_BYTES = 16 * 1024;

// Cc (C0, DEL, C1) and the line/paragraph separators, which act as line breaks.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

export function nickProblem(nick) {
  if (typeof nick !== 'string' || nick.length === 0) return t('names.nickEmpty');
  const forbidden = /[/+#]/.exec(nick) ?? CONTROL.exec(nick);
  if (forbidden) {
    return forbidden[0] >= ' ' && !CONTROL.test(forbidden[0])
      ? t('names.nickForbidden', { character: forbidden[0] })
      : t('names.nickControl');
  }
  const length = [...nick].length;
  if (length > NICK_MAX) return t('names.nickLong', { max: NICK_MAX, count: length });
  return null;
}

export function roomProblem(room) {
  if (typeof room !== 'string' || room.length === 0) return t('names.roomEmpty');
  if (!/^[A-Za-z0-9-]+$/.test(room)) return t('names.roomCharacters');
  if (room.length > ROOM_MAX) return t('names.roomLong', { max: ROOM_MAX, count: room.length });
  return null;
}

export function textProblem(text) {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > TEXT_MAX_BYTES) return t('names.textLong', { count: bytes, max: TEXT_MAX_BYTES });
  return null;
}

// Topics: rooms/<room>/<verb> and users/<nick>/<verb>. Anything else is null.
export function parseTopic(topic) {
  const parts = topic.split('/');
  if (parts.length !== 3) return null;
  const [kind, name, verb] = parts;
  if (kind === 'rooms' && roomProblem(name) === null) return { kind: 'room', room: name, verb };
  if (kind === 'users' && nickProblem(name) === null) return { kind: 'user', nick: name, verb };
  return null;
}

export const topics = {
  roomText: (room) => `rooms/${room}/newtext`,
  roomNew: (room) => `rooms/${room}/new`,
  hello: (nick) => `users/${nick}/hello`,
  logout: (nick) => `users/${nick}/logout`,
  /** rooms/<room>/{edit,delete,react,typing} (protocol v2). */
  roomEvent: (room, verb) => `rooms/${room}/${verb}`,
  presence: (nick) => `users/${nick}/presence`,
};
