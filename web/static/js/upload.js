// Sending a photo or file (issue 19): the checks before, the JPEG re-encoding that drops
// its EXIF block (the place it was taken included), the upload to chatt-server with its
// progress (XMLHttpRequest: fetch reports no upload progress), and the message that carries
// the answer. The view reports the files chosen; the session runs these.
import { t, formatNumber } from './i18n.js';

/** Why `file` cannot be sent (empty, or past the server's `maxBytes`), or null. */
export function uploadProblem(file, maxBytes) {
  if (file.size === 0) return t('upload.empty', { name: file.name });
  if (maxBytes !== null && file.size > maxBytes) {
    return t('upload.tooLarge', { name: file.name, size: megabytes(file.size), limit: megabytes(maxBytes) });
  }
  return null;
}

/** `20 MB` in the page's language. */
export function megabytes(bytes) {
  return `${formatNumber(bytes / (1024 * 1024), { maximumFractionDigits: 1 })} MB`;
}

/** The name a file is sent under: its own, or one made for a pasted picture without one. */
export function uploadName(file, now = new Date()) {
  const name = typeof file.name === 'string' ? file.name.replace(/[\\/\p{Cc}]/gu, '_').replace(/\.\.+/g, '.').trim() : '';
  if (name !== '' && name !== '.') return name;
  const extension = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' }[file.type] ?? 'bin';
  const pad = (n) => String(n).padStart(2, '0');
  return `pasted-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}.${extension}`;
}

/** The message that shows an upload: a picture as `:img:(url#w=…&h=…)`, another file as its full URL. */
export function uploadMessage(answer, origin) {
  if (answer.type.startsWith('image/')) {
    const size = answer.width > 0 && answer.height > 0 ? `#w=${answer.width}&h=${answer.height}` : '';
    return `:img:(${answer.url}${size})`;
  }
  return `${origin}${answer.url}`;
}

/**
 * A JPEG drawn again through a canvas: the same picture (turned upright as its EXIF said)
 * without the EXIF block, so without the place it was taken. Other files as they are.
 */
export async function withoutMetadata(file) {
  if (file.type !== 'image/jpeg' || typeof createImageBitmap !== 'function') return file;
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    let blob;
    if (typeof OffscreenCanvas === 'function') {
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d').drawImage(bitmap, 0, 0);
      blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    } else {
      const canvas = globalThis.document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.getContext('2d').drawImage(bitmap, 0, 0);
      blob = await new Promise((resolve, reject) => {
        canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(t('upload.reencodeFailed')))), 'image/jpeg', 0.92);
      });
    }
    return new File([blob], file.name, { type: 'image/jpeg', lastModified: file.lastModified });
  } finally {
    bitmap.close();
  }
}

/** An upload refused by the server: its status and its reason. */
export class UploadError extends Error {
  constructor(status, reason) {
    super(reason);
    this.name = 'UploadError';
    this.status = status;
  }
}

/**
 * Sends `blob` as `name` to `POST data/files`; resolves with the server's answer
 * ({url, sha256, size, type, width?, height?}); `onProgress(fraction)` as it goes.
 * @param {{blob: Blob, name: string, authorization: string|null, onProgress?: (f: number) => void, XHR?: typeof XMLHttpRequest}} options
 */
export function upload({ blob, name, authorization = null, onProgress = () => {}, XHR = globalThis.XMLHttpRequest }) {
  return new Promise((resolve, reject) => {
    const xhr = new XHR();
    xhr.open('POST', `data/files?name=${encodeURIComponent(name)}`);
    if (authorization) xhr.setRequestHeader('Authorization', authorization);
    xhr.setRequestHeader('Content-Type', blob.type || 'application/octet-stream');
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status alone
      }
      if (xhr.status === 201 && typeof body?.url === 'string') resolve(body);
      else reject(new UploadError(xhr.status, typeof body?.error?.message === 'string' ? body.error.message : `HTTP ${xhr.status}`));
    });
    xhr.addEventListener('error', () => reject(new UploadError(0, t('upload.network'))));
    xhr.addEventListener('abort', () => reject(new UploadError(0, t('upload.network'))));
    xhr.send(blob);
  });
}
