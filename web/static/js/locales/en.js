// The page's strings in English: the reference catalog (every key is here).
// Keys are `area.what`; `{name}` marks a value put in at run time.
export default Object.freeze({
  'language.label': 'Language',
  'upload.button': 'Send a photo or file',
  'upload.keepOriginal': 'Send photos as they are (with their location)',
  'upload.keepOriginalHint': 'Unticked, a JPEG photo is drawn again before it is sent, without its EXIF data: the place it was taken stays with you.',
  'upload.progressLabel': 'Upload progress',
  'upload.progress': 'Sending {name}… {percent}',
  'upload.failed': 'Cannot send {name}: {reason}',
  'upload.empty': 'Cannot send {name}: the file is empty.',
  'upload.tooLarge': 'Cannot send {name}: it is {size}, and this chat takes files up to {limit}.',
  'upload.network': 'the connection to the server was lost',
  'upload.reencodeFailed': 'the photo could not be drawn again without its location (tick “Send photos as they are” to send it unchanged)',
});
