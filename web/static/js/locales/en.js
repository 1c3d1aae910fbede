// The page's strings in English: the reference catalog (every key is here).
// Keys are `area.what`; `{name}` marks a value put in at run time.
export default Object.freeze({
  'language.label': 'Language',
  // Notifications (Web Push, issue 19)
  'push.button': 'Notifications',
  'push.title.on': 'Notifications on for this browser, even with no tab open: click to stop them',
  'push.title.off': 'Click to get notifications on this browser, even with no tab open',
  'push.title.busy': 'Working…',
  'push.title.unsupported': 'This browser cannot get notifications from this page (it needs https)',
  'push.on': 'Notifications on: this browser is told of mentions, direct messages and the rooms set to “All messages”.',
  'push.off': 'Notifications off for this browser.',
  'push.failed': 'Notifications: {reason}',
  'push.denied': 'the browser does not allow notifications for this page (see its site settings)',
  'push.unsupported': 'this browser cannot get notifications from this page (it needs https and a service worker)',
  'notify.label': 'Notifications for this room',
  'notify.all': 'All messages',
  'notify.mentions': 'Mentions only',
  'notify.none': 'Nothing (mute)',
});
