// The naming rules of SPEC.md, as the Swift side (ChatCore Nickname, RoomName) checks them.
// Each check returns null when the name is fine, or a sentence saying what is wrong.

export const NICK_MAX = 32;
export const ROOM_MAX = 64;
export const TEXT_MAX_BYTES = 16 * 1024;

// Cc (C0, DEL, C1) and the line/paragraph separators, which act as line breaks.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

export function nickProblem(nick) {
  if (typeof nick !== 'string' || nick.length === 0) return 'Choose a nickname.';
  const forbidden = /[/+#]/.exec(nick) ?? CONTROL.exec(nick);
  if (forbidden) {
    return forbidden[0] >= ' ' && !CONTROL.test(forbidden[0])
      ? `A nickname cannot contain “${forbidden[0]}” (no /, + or #).`
      : 'A nickname cannot contain control characters or line breaks.';
  }
  const length = [...nick].length;
  if (length > NICK_MAX) return `A nickname has at most ${NICK_MAX} characters (this one has ${length}).`;
  return null;
}

export function roomProblem(room) {
  if (typeof room !== 'string' || room.length === 0) return 'Give the room a name.';
  if (!/^[A-Za-z0-9-]+$/.test(room)) return 'A room name is made of ASCII letters, digits and “-” only.';
  if (room.length > ROOM_MAX) return `A room name has at most ${ROOM_MAX} characters (this one has ${room.length}).`;
  return null;
}

export function textProblem(text) {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > TEXT_MAX_BYTES) return `The message is too long: ${bytes} bytes, at most ${TEXT_MAX_BYTES}.`;
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
