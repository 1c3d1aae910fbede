// The page's strings in English: the reference catalog (every key is here).
// Keys are `area.what`; `{name}` marks a value put in at run time.
export default Object.freeze({
  'language.label': 'Language',
});
