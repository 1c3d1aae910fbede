// Signed payloads for the e2e tests, made with the page's own identity.js (node has the
// same WebCrypto): what memorize would publish as `bot` until it does so itself.
//   node e2e/identity_tool.mjs SECRET NICK key TS
//   node e2e/identity_tool.mjs SECRET NICK newtext ROOM TEXT ID TS
import { deriveIdentity, signatureInput, signInput } from '../web/static/js/identity.js';

const [secret, nick, kind, ...rest] = process.argv.slice(2);
const own = await deriveIdentity(secret, nick);
let topic, payload, fields;
if (kind === 'key') {
  const ts = Number(rest[0]);
  topic = `users/${nick}/key`;
  payload = { sign: own.sign, dh: own.dh, ts };
  fields = [ts, own.sign, own.dh];
} else if (kind === 'newtext') {
  const [room, text, id, ts] = rest;
  topic = `rooms/${room}/newtext`;
  payload = { author: nick, text, id, ts: Number(ts) };
  fields = [id, ts, nick, '', text];
} else {
  throw new Error(`unknown kind ${kind}`);
}
payload.sig = await signInput(own, signatureInput(topic, fields));
process.stdout.write(JSON.stringify({ topic, payload: JSON.stringify(payload) }));
