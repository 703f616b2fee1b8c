import { useEffect, useMemo, useState, type ChangeEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { Deck, PhotoReading } from '../api/types';
import { quotaExhausted, quotaLeft } from '../domain/quota';
import { useInvalidateDecksAndCards } from '../hooks/deckQueries';
import { queryKeys, useMe } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { addPictures, type PictureProblem } from '../media/pictures';
import { addPhotoWords, type WordOutcome } from '../media/photoWords';
import { useApi } from '../session/SessionProvider';
import { haptics } from '../telegram/haptics';
import { InlineError } from './States';

/** Object URLs for the previews, revoked when the pictures change or the screen goes. */
function usePreviews(pictures: File[]): string[] {
  const urls = useMemo(() => pictures.map((picture) => URL.createObjectURL(picture)), [pictures]);
  useEffect(() => () => urls.forEach((url) => URL.revokeObjectURL(url)), [urls]);
  return urls;
}

/**
 * "Words from a photo" on a deck's add screen: pictures from the camera or the gallery
 * (1–3, previewed), read by the vision model (`POST /api/media/ocr`, one tutor message),
 * then the words not yet in the cards, ticked and added to this deck in one go.
 */
export function PhotoWords({ deck }: { deck: Deck }) {
  const { t } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const me = useMe();
  const [pictures, setPictures] = useState<File[]>([]);
  const [problem, setProblem] = useState<PictureProblem | null>(null);
  const previews = usePreviews(pictures);

  const read = useMutation({
    mutationFn: (files: File[]) => api.readPhotos(client, files),
    // The reading used a tutor message (or a 429 told the quota): Me's count is stale either way.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.me }),
    onSuccess: () => haptics.notification('success'),
    onError: () => haptics.notification('error'),
  });

  const pick = (event: ChangeEvent<HTMLInputElement>) => {
    const added = [...(event.target.files ?? [])];
    // The same file picked again must fire change again.
    event.target.value = '';
    if (added.length === 0) return;
    const next = addPictures(pictures, added);
    setPictures(next.pictures);
    setProblem(next.problem);
    read.reset();
  };
  const remove = (index: number) => {
    setPictures(pictures.filter((_, i) => i !== index));
    setProblem(null);
    read.reset();
  };
  const startOver = () => {
    setPictures([]);
    setProblem(null);
    read.reset();
  };

  const quota = me.data?.limits.messages;
  const left = quota ? quotaLeft(quota) : null;
  const exhausted = quotaExhausted(quota);

  return (
    <section className="photo-words" aria-label={t('card.mode.photo')}>
      <p className="hint">{t('photo.intro')}</p>
      {!read.data && (
        <>
          <div className="photo-pick">
            <label className="button">
              {t('photo.camera')}
              <input
                className="visually-hidden"
                type="file"
                accept="image/*"
                capture="environment"
                data-testid="photo-camera"
                onChange={pick}
                disabled={read.isPending}
              />
            </label>
            <label className="button">
              {t('photo.gallery')}
              <input
                className="visually-hidden"
                type="file"
                accept="image/jpeg,image/png,image/webp"
                multiple
                data-testid="photo-gallery"
                onChange={pick}
                disabled={read.isPending}
              />
            </label>
          </div>
          <p className="hint">{t('photo.limits')}</p>
        </>
      )}
      {problem && (
        <p className="form-error" role="alert">
          {t(`photo.problem.${problem}`)}
        </p>
      )}
      {pictures.length > 0 && (
        <ul className="photo-previews">
          {previews.map((url, index) => (
            <li key={url} className="photo-preview">
              <img src={url} alt={t('photo.preview', { n: index + 1 })} />
              {!read.data && (
                <button
                  type="button"
                  className="photo-remove"
                  aria-label={t('photo.remove', { n: index + 1 })}
                  disabled={read.isPending}
                  onClick={() => remove(index)}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {pictures.length > 0 && !read.data && (
        <>
          <button
            type="button"
            className="button button-primary button-wide"
            disabled={read.isPending || exhausted}
            aria-busy={read.isPending}
            onClick={() => read.mutate(pictures)}
          >
            {read.isPending ? t('photo.reading') : t('photo.read')}
          </button>
          {quota && left !== null && (
            <p className="hint" data-testid="photo-cost">
              {t('photo.cost', { left, max: quota.max ?? 0 })}
            </p>
          )}
        </>
      )}
      <InlineError error={read.error} />
      {read.data && <PhotoResult key={previews.join()} reading={read.data} deck={deck} onStartOver={startOver} />}
    </section>
  );
}

function PhotoResult({ reading, deck, onStartOver }: { reading: PhotoReading; deck: Deck; onStartOver: () => void }) {
  const { t } = useI18n();
  const client = useApi();
  const invalidate = useInvalidateDecksAndCards();
  const [ticked, setTicked] = useState<Set<number>>(new Set());
  const [outcomes, setOutcomes] = useState<Map<number, WordOutcome>>(new Map());

  const add = useMutation({
    mutationFn: async (indexes: number[]) => {
      const words = indexes.map((index) => reading.words[index]).filter((word) => word !== undefined);
      await addPhotoWords(
        words,
        (card) => api.createCard(client, card),
        deck.id,
        (position, outcome) => setOutcomes((before) => new Map(before).set(indexes[position] ?? -1, outcome)),
      );
    },
    onSettled: () => void invalidate(),
  });

  const toggle = (index: number) => {
    haptics.selection();
    const next = new Set(ticked);
    if (next.has(index)) next.delete(index);
    else next.add(index);
    setTicked(next);
  };
  const pending = [...ticked].filter((index) => !outcomes.has(index) || outcomes.get(index) === 'failed');
  const addedCount = [...outcomes.values()].filter((outcome) => outcome === 'added').length;

  return (
    <div className="photo-result" data-testid="photo-result">
      <h2>{t('photo.text')}</h2>
      {reading.text.trim() ? (
        <p className="photo-text">{reading.text}</p>
      ) : (
        <p className="hint">{t('photo.noText')}</p>
      )}
      {reading.text.trim() && (
        <>
          <h2>{t('photo.words')}</h2>
          {reading.words.length === 0 ? (
            <p className="hint" data-testid="photo-no-words">
              {t('photo.noWords')}
            </p>
          ) : (
            <>
              <p className="hint">{t('photo.pickHint')}</p>
              <ul className="photo-word-list">
                {reading.words.map((word, index) => {
                  const outcome = outcomes.get(index);
                  const settled = outcome !== undefined && outcome !== 'failed';
                  return (
                    <li key={`${index}-${word.word}`} className="photo-word" data-word={word.word} data-state={outcome ?? 'idle'}>
                      <label>
                        <input
                          type="checkbox"
                          checked={ticked.has(index)}
                          disabled={settled || add.isPending}
                          onChange={() => toggle(index)}
                        />
                        <span className="photo-word-text">
                          <strong>{word.word}</strong>
                          <span className="hint">{word.translation}</span>
                        </span>
                        {outcome && <span className={`photo-word-state state-${outcome}`}>{t(`photo.word.${outcome}`)}</span>}
                      </label>
                    </li>
                  );
                })}
              </ul>
              <button
                type="button"
                className="button button-primary button-wide"
                disabled={pending.length === 0 || add.isPending}
                aria-busy={add.isPending}
                onClick={() => add.mutate(pending)}
              >
                {pending.length === 0 ? t('photo.addNone') : t('photo.add', { n: pending.length })}
              </button>
              {addedCount > 0 && !add.isPending && (
                <p className="hint" role="status" data-testid="photo-added">
                  {t('photo.addedSummary', { n: addedCount, deck: deck.name })}
                </p>
              )}
            </>
          )}
        </>
      )}
      <button type="button" className="button button-wide" onClick={onStartOver} disabled={add.isPending}>
        {t('photo.another')}
      </button>
    </div>
  );
}
