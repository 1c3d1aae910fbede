// The language switch of the page (`#language`): English or French, the member's choice
// kept (i18n.js) and the page loaded again in it, rather than redrawing every string.
import { languages, language, setLanguage } from './i18n.js';

/** Fills `select` with the languages (each in its own name) and reloads the page in the one chosen. */
export function bindLanguageSwitch(select, reload = () => globalThis.location.reload()) {
  if (!select) return;
  const doc = select.ownerDocument;
  select.replaceChildren(...languages.map(({ tag, name }) => {
    const option = doc.createElement('option');
    option.value = tag;
    option.lang = tag;
    option.textContent = name;
    return option;
  }));
  select.value = language();
  select.addEventListener('change', () => {
    if (select.value === language()) return;
    setLanguage(select.value);
    reload();
  });
}
