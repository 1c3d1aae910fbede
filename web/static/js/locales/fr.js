// Les textes de la page en français. Every key of en.js must be here too (a test checks).
export default Object.freeze({
  'language.label': 'Langue',
});
