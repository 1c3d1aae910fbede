// Where the broker is and who we are, from the <meta> tags chatt-server puts in the
// page; every tag may be missing (then: this host, port 9001, path "/", wss on https).

import { parseEndpoints } from './endpoints.js';

function meta(doc, name) {
  const element = doc.querySelector(`meta[name="${name}"]`);
  const value = element ? element.getAttribute('content') : null;
  return value === null ? null : value.trim();
}

function pageSize(text) {
  return /^\d{1,4}$/.test(text ?? '') && Number(text) > 0 ? Number(text) : null;
}

export function readConfig(doc, location) {
  let host = meta(doc, 'chatt-broker-host') || location.hostname || '127.0.0.1';
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`; // a bare IPv6 address
  const portText = meta(doc, 'chatt-broker-port');
  const port = /^\d{1,5}$/.test(portText ?? '') && Number(portText) > 0 && Number(portText) < 65536 ? Number(portText) : 9001;
  let path = meta(doc, 'chatt-broker-path') || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const tlsText = (meta(doc, 'chatt-broker-tls') || 'auto').toLowerCase();
  const tls = ['true', 'on', 'yes', 'wss', '1'].includes(tlsText) ? true
    : ['false', 'off', 'no', 'ws', '0'].includes(tlsText) ? false
      : location.protocol === 'https:';
  const brokerUrl = `${tls ? 'wss' : 'ws'}://${host}:${port}${path}`;
  const endpoints = parseEndpoints(meta(doc, 'chatt-ws-endpoints'));
  return {
    // The chat's name for keys pinned in this browser (identity-session.js): the first endpoint.
    brokerUrl: endpoints[0] ?? brokerUrl,
    // Tried in order, the next one when one is lost (endpoints.js); one unless the server lists several.
    brokerUrls: endpoints.length > 0 ? endpoints : [brokerUrl],
    address: meta(doc, 'chatt-client-address') || 'unknown',
    protected: (meta(doc, 'chatt-protected') || '').toLowerCase() === 'true',
    // How the passphrase becomes the pair; a server without these tags is a legacy chat.
    scheme: (meta(doc, 'chatt-scheme') || 'legacy').toLowerCase(),
    salt: meta(doc, 'chatt-scheme-salt') || '',
    // Messages per room in /data/lastinfo and per older page (`--history-page-size`);
    // null from a server that does not say (then any keyed room may have more).
    historyPageSize: pageSize(meta(doc, 'chatt-history-page-size')),
    // The chat's name (`--name`): the title, as the installed app's name in the manifest.
    name: meta(doc, 'chatt-name') || 'ChaTT',
    // The largest upload chatt-server takes (`--max-upload-bytes`); null when it does not say.
    maxUploadBytes: /^\d{1,12}$/.test(meta(doc, 'chatt-max-upload-bytes') ?? '') ? Number(meta(doc, 'chatt-max-upload-bytes')) : null,
  };
}
