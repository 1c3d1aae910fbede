// The uploaded files in the log (issue 19): a picture of this chat (`<img data-file>`, made
// by render.js without a source) gets its bytes from chatt-server with the chat's
// credentials (an <img src> could not send them) and shows as a blob: URL; a file link
// (`<a class="file-link">`) of a protected chat downloads the same way. One fetch per file
// and page, whatever number of messages show it; the blob URLs go with the session.

export class FileImages {
  /**
   * @param {Document} doc
   * @param {Element} root the element holding the messages
   * @param {(path: string) => Promise<Blob>} loadBlob fetches `data/files/…` (with the credentials)
   * @param {boolean} downloads whether file links need `loadBlob` too (a protected chat)
   */
  constructor(doc, root, loadBlob, downloads) {
    this.doc = doc;
    this.root = root;
    this.loadBlob = loadBlob;
    this.urls = new Map(); // path -> Promise<string> (a blob: URL)
    this.disposed = false;
    const Observer = doc.defaultView?.MutationObserver;
    this.observer = Observer ? new Observer((records) => {
      for (const record of records) for (const node of record.addedNodes) this.scan(node);
    }) : null;
    this.observer?.observe(root, { childList: true, subtree: true });
    this.onClick = (event) => {
      const link = event.target.closest?.('a.file-link');
      if (!link || !downloads) return;
      event.preventDefault();
      this.download(link.getAttribute('data-file'), link.getAttribute('download') || 'file');
    };
    root.addEventListener('click', this.onClick);
    this.scan(root);
  }

  /** Loads every picture of a chat file under `node` that has no source yet. */
  scan(node) {
    if (this.disposed || node.nodeType !== 1) return;
    const images = node.matches?.('img[data-file]') ? [node] : [...(node.querySelectorAll?.('img[data-file]') ?? [])];
    for (const img of images) {
      if (img.hasAttribute('src')) continue;
      const path = img.getAttribute('data-file');
      this.url(path).then(
        (url) => {
          if (!this.disposed) img.setAttribute('src', url);
        },
        () => img.classList.add('missing'),
      );
    }
  }

  /** A blob: URL of the file at `path`, fetched once. */
  url(path) {
    let url = this.urls.get(path);
    if (!url) {
      url = this.loadBlob(path).then((blob) => URL.createObjectURL(blob));
      url.catch(() => this.urls.delete(path)); // tried again the next time it shows
      this.urls.set(path, url);
    }
    return url;
  }

  /** Saves the file at `path` under `name`. */
  download(path, name) {
    this.url(path).then((url) => {
      const a = this.doc.createElement('a');
      a.setAttribute('href', url);
      a.setAttribute('download', name);
      a.hidden = true;
      this.doc.body.append(a);
      a.click();
      a.remove();
    }, () => {});
  }

  /** Stops, and frees the blob URLs. */
  dispose() {
    this.disposed = true;
    this.observer?.disconnect();
    this.root.removeEventListener('click', this.onClick);
    for (const url of this.urls.values()) url.then((u) => URL.revokeObjectURL(u), () => {});
    this.urls.clear();
  }
}
