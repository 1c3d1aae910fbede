// Les textes de la page en français. Every key of en.js must be here too (a test checks).
export default Object.freeze({
  'language.label': 'Langue',
  'upload.button': 'Envoyer une photo ou un fichier',
  'upload.keepOriginal': 'Envoyer les photos telles quelles (avec leur lieu)',
  'upload.keepOriginalHint': 'Case décochée, une photo JPEG est redessinée avant l’envoi, sans ses données EXIF : le lieu de la prise de vue reste chez vous.',
  'upload.progressLabel': 'Progression de l’envoi',
  'upload.progress': 'Envoi de {name}… {percent}',
  'upload.failed': 'Impossible d’envoyer {name} : {reason}',
  'upload.empty': 'Impossible d’envoyer {name} : le fichier est vide.',
  'upload.tooLarge': 'Impossible d’envoyer {name} : il fait {size}, et ce chat accepte des fichiers jusqu’à {limit}.',
  'upload.network': 'la connexion au serveur a été perdue',
  'upload.reencodeFailed': 'la photo n’a pas pu être redessinée sans son lieu (cochez « Envoyer les photos telles quelles » pour l’envoyer inchangée)',
});
