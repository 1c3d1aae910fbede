// Les textes de la page en français. Every key of en.js must be here too (a test checks).
export default Object.freeze({
  'language.label': 'Langue',
  // Notifications (Web Push, issue 19)
  'push.button': 'Notifications',
  'push.title.on': 'Notifications activées sur ce navigateur, même sans onglet ouvert : cliquer pour les arrêter',
  'push.title.off': 'Cliquer pour recevoir les notifications sur ce navigateur, même sans onglet ouvert',
  'push.title.busy': 'En cours…',
  'push.title.unsupported': 'Ce navigateur ne peut pas recevoir de notifications de cette page (il faut https)',
  'push.on': 'Notifications activées : ce navigateur est prévenu des mentions, des messages directs et des salons réglés sur « Tous les messages ».',
  'push.off': 'Notifications désactivées sur ce navigateur.',
  'push.failed': 'Notifications : {reason}',
  'push.denied': 'le navigateur n’autorise pas les notifications pour cette page (voir ses réglages du site)',
  'push.unsupported': 'ce navigateur ne peut pas recevoir de notifications de cette page (il faut https et un service worker)',
  'notify.label': 'Notifications pour ce salon',
  'notify.all': 'Tous les messages',
  'notify.mentions': 'Mentions seulement',
  'notify.none': 'Rien (muet)',
});
