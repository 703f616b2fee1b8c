/** What `POST /api/media/ocr` takes: 1–3 pictures, JPEG, PNG or WebP, 10 MiB each at most. */
export const MAX_PICTURES = 3;
export const MAX_PICTURE_BYTES = 10 * 1024 * 1024;
const PICTURE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

export type PictureProblem = 'too_many' | 'too_large' | 'not_a_picture';

/**
 * The pictures to keep after the learner picked `added` on top of `kept`, and the first
 * problem met. The type is the browser's guess from the name; the server checks the bytes.
 * An empty type (some Android galleries) is let through for the server to judge.
 */
export function addPictures(kept: File[], added: File[]): { pictures: File[]; problem: PictureProblem | null } {
  const pictures = [...kept];
  let problem: PictureProblem | null = null;
  for (const file of added) {
    if (file.type && !PICTURE_TYPES.includes(file.type)) problem ??= 'not_a_picture';
    else if (file.size > MAX_PICTURE_BYTES) problem ??= 'too_large';
    else if (pictures.length >= MAX_PICTURES) problem ??= 'too_many';
    else pictures.push(file);
  }
  return { pictures, problem };
}
