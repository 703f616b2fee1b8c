import { NETWORK_ERROR, isApiError } from '../api/errors';
import type { GenerateReport, WordResult } from '../api/types';

/** One submission of words and what is known of it so far. */
export interface Run {
  words: string[];
  /** The Idempotency-Key of this submission; a retry after a lost connection reuses it. */
  key: string;
  results: Record<string, WordResult>;
  /** Words whose LLM call has ended (`event: progress`) before the cards are saved together. */
  progress: Record<string, ProgressStatus>;
  report: GenerateReport | null;
  phase: 'running' | 'done' | 'failed';
  error: unknown;
}

export type ProgressStatus = 'generated' | 'failed';

export interface Progress {
  word: string;
  status: ProgressStatus;
}

export function newRun(words: string[], key: string): Run {
  return { words, key, results: {}, progress: {}, report: null, phase: 'running', error: null };
}

export function isWordResult(value: unknown): value is WordResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WordResult).word === 'string' &&
    typeof (value as WordResult).status === 'string'
  );
}

export function isProgress(value: unknown): value is Progress {
  const status = (value as Progress | null)?.status;
  return typeof (value as Progress | null)?.word === 'string' && (status === 'generated' || status === 'failed');
}

export function isReport(value: unknown): value is GenerateReport {
  return typeof value === 'object' && value !== null && Array.isArray((value as GenerateReport).results);
}

/** The sent word a result belongs to: as sent, else the same word ignoring case. */
function rowOf(word: string, words: string[]): string {
  if (words.includes(word)) return word;
  const wanted = word.trim().normalize('NFC').toLocaleLowerCase();
  return words.find((sent) => sent.normalize('NFC').toLocaleLowerCase() === wanted) ?? word;
}

export function withResults(run: Run, results: WordResult[]): Run {
  const next = { ...run.results };
  for (const result of results) next[rowOf(result.word, run.words)] = result;
  return { ...run, results: next };
}

export function withProgress(run: Run, progress: Progress): Run {
  return { ...run, progress: { ...run.progress, [rowOf(progress.word, run.words)]: progress.status } };
}

/**
 * What a row shows: its final result once its `event: word` arrived; before that, while the
 * run lasts, pending, then written or failing as its LLM call ends (the cards are saved
 * together at the end, so a failed word waits for the others too).
 */
export type RowStatus = WordResult['status'] | 'pending' | 'written' | 'failing' | 'unknown';

export function rowStatus(result: WordResult | undefined, progress: ProgressStatus | undefined, running: boolean): RowStatus {
  if (result) return result.status;
  if (!running) return 'unknown';
  if (progress === 'generated') return 'written';
  if (progress === 'failed') return 'failing';
  return 'pending';
}

/** The first request with this key is still running on the server (409 in_progress). */
export function isInProgress(error: unknown): boolean {
  return isApiError(error) && error.code === 'CONFLICT' && error.details?.reason === 'in_progress';
}

/** Errors worth the same submission again: a lost connection, or the first still running. */
export function retriesSameKey(error: unknown): boolean {
  return isApiError(error) && (error.code === NETWORK_ERROR || isInProgress(error));
}

/** Errors a fresh submission of the same words may get past (the provider failed). */
export function retriesFresh(error: unknown): boolean {
  return (
    isApiError(error) && (error.code === 'LLM_SERVICE_ERROR' || error.status >= 500) && error.code !== 'LLM_NOT_CONFIGURED'
  );
}

/**
 * Pauses before asking again about a run the server still works on (409 in_progress): the
 * server keeps the result of the first request under its key, so a later ask replays it.
 * About 20 s in all, longer than a generation with the provider's retries usually takes.
 */
export const IN_PROGRESS_DELAYS_MS = [1_000, 2_000, 3_000, 5_000, 8_000];

/** Waits `ms`, or rejects with the signal's AbortError as soon as it is aborted. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      window.clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = window.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A submission whose result the screen has not seen: its words and Idempotency-Key, kept in
 * sessionStorage per deck from the moment it is sent until its result (or a final failure)
 * arrives. Leaving the screen midway leaves it there, so coming back can ask for the result
 * with the same key instead of losing it.
 */
export interface PendingRun {
  words: string[];
  key: string;
}

const PENDING_PREFIX = 'la_generate_run:';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function savePendingRun(deckId: string, run: PendingRun): void {
  try {
    storage()?.setItem(PENDING_PREFIX + deckId, JSON.stringify(run));
  } catch {
    // Without storage a run left midway cannot be offered again; nothing else changes.
  }
}

export function loadPendingRun(deckId: string): PendingRun | null {
  try {
    const text = storage()?.getItem(PENDING_PREFIX + deckId);
    if (!text) return null;
    const value = JSON.parse(text) as Partial<PendingRun> | null;
    if (
      typeof value?.key === 'string' &&
      Array.isArray(value.words) &&
      value.words.length > 0 &&
      value.words.every((word) => typeof word === 'string')
    ) {
      return { key: value.key, words: value.words };
    }
  } catch {
    // Unreadable: as if there were none.
  }
  return null;
}

/** Forgets the deck's pending run, only if it is still the one with `key` (when given). */
export function clearPendingRun(deckId: string, key?: string): void {
  try {
    if (key !== undefined && loadPendingRun(deckId)?.key !== key) return;
    storage()?.removeItem(PENDING_PREFIX + deckId);
  } catch {
    // Nothing stored then either.
  }
}
