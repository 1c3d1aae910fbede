// The member's notification choice per room (issue 19): all messages, mentions only (the
// default) or nothing (mute). Kept in localStorage, sent with the Web Push subscription
// (push.js), and followed by the page's own in-tab notifications (session.js).

const KEY = 'chatt-notify';

/** The choices, as the server takes them. */
export const MODES = Object.freeze(['all', 'mentions', 'none']);

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** Every room's choice that differs from the default, `{room: mode}`. */
export function roomChoices(store = storage()) {
  try {
    const saved = JSON.parse(store?.getItem(KEY) ?? '{}');
    const choices = {};
    for (const [room, mode] of Object.entries(saved ?? {})) {
      if (MODES.includes(mode) && mode !== 'mentions') choices[room] = mode;
    }
    return choices;
  } catch {
    return {};
  }
}

/** `room`'s choice: `all`, `mentions` or `none`. */
export function roomChoice(room, store = storage()) {
  return roomChoices(store)[room] ?? 'mentions';
}

/** Keeps `mode` for `room`; an unknown mode is refused (returns false). */
export function setRoomChoice(room, mode, store = storage()) {
  if (!MODES.includes(mode)) return false;
  const choices = roomChoices(store);
  if (mode === 'mentions') delete choices[room];
  else choices[room] = mode;
  try {
    store?.setItem(KEY, JSON.stringify(choices));
  } catch {
    // storage full or disabled: the choice lasts this open only
  }
  return true;
}

/** Whether a message of someone else is notified under `mode`: everything, mentions, or nothing. */
export function shouldNotify(mode, mentioned) {
  if (mode === 'none') return false;
  if (mode === 'all') return true;
  return mentioned;
}

/**
 * The room a notification's click opened the page on (`./?room=<room>`, sw.js), or null;
 * the parameter is taken out of the address so a reload does not go back to it.
 */
export function takeRoomFromUrl(loc = globalThis.location, hist = globalThis.history) {
  if (!loc?.search) return null;
  const params = new URLSearchParams(loc.search);
  const room = params.get('room');
  if (room === null) return null;
  params.delete('room');
  const rest = params.toString();
  try {
    hist?.replaceState(hist.state, '', `${loc.pathname}${rest ? `?${rest}` : ''}${loc.hash ?? ''}`);
  } catch {
    // a sandboxed page: the parameter stays
  }
  return room;
}

/** base64url (the VAPID public key) → bytes, for `pushManager.subscribe`'s `applicationServerKey`. */
export function base64UrlBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
