// The marks of signed nicknames on a message node: a small ✓ on a verified message, a
// clear warning on a forged one (a nickname with a key, and no or a wrong signature).
// Text only, made with createElement/textContent.

/** The nodes to put after a message's author: [] for a plain message. */
export function verdictMark(doc, message) {
  if (message.verdict !== 'verified' && message.verdict !== 'forged') return [];
  const mark = doc.createElement('span');
  if (message.verdict === 'verified') {
    mark.className = 'verified';
    mark.textContent = '✓';
    mark.title = `Signed by ${message.author}'s key`;
    mark.setAttribute('aria-label', 'verified');
  } else {
    mark.className = 'forged';
    mark.textContent = `⚠ not from ${message.author}`;
    mark.title = `Not signed by ${message.author}'s key: someone else wrote this under their nickname`;
    mark.setAttribute('role', 'note');
  }
  return [mark];
}
