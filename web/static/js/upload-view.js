// The composer's part for photos and files (issue 19): the 📎 button and its file input,
// pasting a file or picture into the message field, dropping files on the chat, the
// "keep the original" choice and the progress bar. The View makes it and hands it its
// elements; what the member chose goes to the `upload(files)` handler.
import { t, formatNumber } from './i18n.js';

export class UploadControls {
  /** @param {Document} doc @param {(id: string) => HTMLElement} $ the view's element lookup */
  constructor(doc, $) {
    this.doc = doc;
    this.button = $('upload');
    this.input = $('upload_file');
    this.keep = $('upload_keep_original');
    this.bar = $('upload_bar');
    this.progress = $('upload_progress');
    this.label = $('upload_label');
    this.field = $('input_text');
    this.dropZone = $('chat');
    this.button.setAttribute('aria-label', t('upload.button'));
    this.button.setAttribute('title', t('upload.button'));
    $('upload_keep_text').textContent = t('upload.keepOriginal');
    this.keep.parentElement.setAttribute('title', t('upload.keepOriginalHint'));
    this.progress.setAttribute('aria-label', t('upload.progressLabel'));
  }

  /** Calls `upload(files)` with the files the member chose, pasted or dropped. */
  bind(upload) {
    this.button.addEventListener('click', () => this.input.click());
    this.input.addEventListener('change', () => {
      const files = [...this.input.files];
      this.input.value = '';
      if (files.length > 0) upload(files);
    });
    this.field.addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return; // text: pasted as always
      event.preventDefault();
      upload(files);
    });
    const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
    this.dropZone.addEventListener('dragover', (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      this.dropZone.classList.add('dropping');
    });
    this.dropZone.addEventListener('dragleave', (event) => {
      if (event.target === this.dropZone || !this.dropZone.contains(event.relatedTarget)) this.dropZone.classList.remove('dropping');
    });
    this.dropZone.addEventListener('drop', (event) => {
      this.dropZone.classList.remove('dropping');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      upload(files);
    });
  }

  /** Whether the member asked to send photos as they are (with their EXIF, location included). */
  keepOriginal() {
    return this.keep.checked;
  }

  /** The bar at `fraction` (0–1) of sending `name`; null hides it. */
  show(fraction, name = '') {
    if (fraction === null) {
      this.bar.hidden = true;
      return;
    }
    this.bar.hidden = false;
    this.progress.value = fraction;
    this.label.textContent = t('upload.progress', { name, percent: formatNumber(fraction, { style: 'percent' }) });
  }
}
