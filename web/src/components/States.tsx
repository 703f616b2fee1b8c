import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { errorText, requestIdOf } from './errorText';

/** Grey blocks in the shape of the content that is loading. */
export function Skeleton({ lines = 3, label }: { lines?: number; label?: string }) {
  const { t } = useI18n();
  return (
    <div className="skeleton" role="status" aria-busy="true" aria-label={label ?? t('common.loading')}>
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton-line" style={{ width: `${90 - i * 15}%` }} />
      ))}
    </div>
  );
}

/** A failed load with the reason and a retry button. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useI18n();
  const requestId = requestIdOf(error);
  return (
    <div className="state state-error" role="alert">
      <h2>{t('common.error.title')}</h2>
      <p>{errorText(t, error)}</p>
      {requestId && <p className="hint">{t('common.error.requestId', { id: requestId })}</p>}
      <button type="button" className="button" onClick={onRetry}>
        {t('common.retry')}
      </button>
    </div>
  );
}

/** Nothing to show yet, with the action that fills the screen. */
export function EmptyState({ text, action }: { text: string; action: ReactNode }) {
  return (
    <div className="state state-empty">
      <p>{text}</p>
      {action}
    </div>
  );
}

/** An inline error under a form (mutation failures). */
export function InlineError({ error, extra }: { error: unknown; extra?: string }) {
  const { t } = useI18n();
  if (!error) return null;
  const requestId = requestIdOf(error);
  return (
    <div className="inline-error" role="alert">
      <p>{errorText(t, error)}</p>
      {extra && <p>{extra}</p>}
      {requestId && <p className="hint">{t('common.error.requestId', { id: requestId })}</p>}
    </div>
  );
}
