import { describe, expect, it } from 'vitest';
import { ApiError, NETWORK_ERROR } from '../api/errors';
import { wordResult } from '../test/apiStub';
import {
  clearPendingRun,
  isInProgress,
  loadPendingRun,
  newRun,
  retriesSameKey,
  rowStatus,
  savePendingRun,
  withProgress,
} from './generateRun';

describe('rowStatus', () => {
  it('is pending, then written or failing as the LLM call ends, then the final result', () => {
    expect(rowStatus(undefined, undefined, true)).toBe('pending');
    expect(rowStatus(undefined, 'generated', true)).toBe('written');
    expect(rowStatus(undefined, 'failed', true)).toBe('failing');
    expect(rowStatus(wordResult('x', 'failed'), 'failed', true)).toBe('failed');
    expect(rowStatus(wordResult('x', 'created'), 'generated', false)).toBe('created');
    expect(rowStatus(undefined, 'failed', false)).toBe('unknown');
  });

  it('files progress under the word as sent, whatever its case', () => {
    expect(withProgress(newRun(['Casa'], 'k'), { word: 'casa', status: 'failed' }).progress).toEqual({ Casa: 'failed' });
  });
});

describe('same-key errors', () => {
  it('reuses the key after a lost connection or while the first request still runs', () => {
    expect(retriesSameKey(new ApiError(0, NETWORK_ERROR, 'x'))).toBe(true);
    const running = new ApiError(409, 'CONFLICT', 'x', { reason: 'in_progress' });
    expect(isInProgress(running)).toBe(true);
    expect(retriesSameKey(running)).toBe(true);
    expect(retriesSameKey(new ApiError(409, 'CONFLICT', 'x', { reason: 'idempotency_key_reused' }))).toBe(false);
    expect(retriesSameKey(new ApiError(502, 'LLM_SERVICE_ERROR', 'x'))).toBe(false);
  });
});

describe('pending runs in sessionStorage', () => {
  it('keeps one run per deck until it is cleared by its own key', () => {
    savePendingRun('d-1', { words: ['casa', 'perro'], key: 'k-1' });
    savePendingRun('d-2', { words: ['gato'], key: 'k-2' });
    expect(loadPendingRun('d-1')).toEqual({ words: ['casa', 'perro'], key: 'k-1' });
    // A later run's completion does not clear another one's record.
    clearPendingRun('d-1', 'k-other');
    expect(loadPendingRun('d-1')?.key).toBe('k-1');
    clearPendingRun('d-1', 'k-1');
    expect(loadPendingRun('d-1')).toBeNull();
    expect(loadPendingRun('d-2')?.key).toBe('k-2');
    clearPendingRun('d-2');
    expect(loadPendingRun('d-2')).toBeNull();
  });

  it('ignores what it cannot read', () => {
    sessionStorage.setItem('la_generate_run:d-1', '{not json');
    expect(loadPendingRun('d-1')).toBeNull();
    sessionStorage.setItem('la_generate_run:d-1', JSON.stringify({ words: [], key: 'k' }));
    expect(loadPendingRun('d-1')).toBeNull();
    sessionStorage.setItem('la_generate_run:d-1', JSON.stringify({ words: ['a', 1], key: 'k' }));
    expect(loadPendingRun('d-1')).toBeNull();
  });
});
