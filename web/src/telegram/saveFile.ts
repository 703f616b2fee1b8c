import { isInsideTelegram } from './sdk';

const REVOKE_AFTER_MS = 60_000;

/**
 * Hands a downloaded Blob to the user. A normal browser saves it through an `<a download>`
 * click. Telegram's in-app webviews have no reliable blob download, so there the object URL
 * is opened in a new window instead, where the client may show or offer to save it.
 */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  if (isInsideTelegram()) {
    window.open(url, '_blank');
  } else {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
  }
  // Late enough for the browser (or the opened window) to have read it.
  window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/** A file name from the deck name, without the characters file systems refuse. */
export function exportFileName(deckName: string, extension: string): string {
  const stem = deckName.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim() || 'deck';
  return `${stem}.${extension}`;
}
