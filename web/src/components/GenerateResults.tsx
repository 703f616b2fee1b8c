import { Link } from 'react-router-dom';
import { ApiError, isApiError } from '../api/errors';
import type { Quota, WordResult } from '../api/types';
import { formatResetTime, quotaFromDetails, quotaLeft, quotaMax } from '../domain/quota';
import { retriesFresh, retriesSameKey, rowStatus, type ProgressStatus } from '../generate/generateRun';
import { useI18n } from '../i18n/i18n';
import { errorText } from './errorText';
import { InlineError } from './States';

export function GenerateQuota({ quota }: { quota: Quota | undefined }) {
  const { t } = useI18n();
  if (!quota) return null;
  const left = quotaLeft(quota);
  return (
    <small className="hint" data-testid="generate-quota">
      {left === null ? t('generate.quotaUnlimited') : t('generate.quotaLeft', { left, max: quota.max ?? 0 })}
    </small>
  );
}

/**
 * One word of a run: pending, then written or failing as its LLM call ends, then created /
 * duplicate / failed when its result arrives with the others'.
 */
export function WordRow({
  word,
  result,
  progress,
  running,
}: {
  word: string;
  result: WordResult | undefined;
  progress: ProgressStatus | undefined;
  running: boolean;
}) {
  const { t } = useI18n();
  const status = rowStatus(result, progress, running);
  const card = result?.card;
  return (
    <li className={`generate-row generate-${status}`} data-word={word} data-status={status}>
      <div className="generate-row-head">
        <strong className="generate-word">{word}</strong>
        {status === 'pending' && <span className="hint">{t('generate.pending')}</span>}
        {status === 'written' && <span className="hint">{t('generate.written')}</span>}
        {status === 'failing' && <span className="hint hint-warning">{t('generate.failing')}</span>}
        {status === 'created' && <span className="badge badge-new">{t('generate.created')}</span>}
        {status === 'duplicate' && <span className="badge">{t('generate.duplicate')}</span>}
        {status === 'failed' && <span className="badge badge-learning">{t('generate.failed')}</span>}
      </div>
      {card && status === 'created' && (
        <Link to={`/cards/card/${card.id}`} className="generate-card">
          <span>{card.front}</span> — <span>{card.back}</span>
        </Link>
      )}
      {card && status === 'duplicate' && (
        <p className="hint">
          {card.front} — {card.back} · <Link to={`/cards/card/${card.id}`}>{t('card.openExisting')}</Link>
        </p>
      )}
      {status === 'failed' && (
        <p className="hint hint-warning">
          {result?.error ? errorText(t, new ApiError(502, result.error.code, result.error.message)) : t('generate.failed')}
        </p>
      )}
    </li>
  );
}

/** Why the whole submission failed, in the words of the situation, with a retry when one helps. */
export function GenerateError({ error, quota, onRetry }: { error: unknown; quota: Quota | undefined; onRetry: () => void }) {
  const { t, lang } = useI18n();
  const code = isApiError(error) ? error.code : undefined;
  let text: string | undefined;
  if (code === 'LLM_NOT_CONFIGURED') text = t('generate.notConfigured');
  else if (code === 'NETWORK_ERROR') text = t('generate.interrupted');
  else if (code === 'QUOTA_EXCEEDED') {
    const exceeded = (isApiError(error) ? quotaFromDetails(error.details) : undefined) ?? quota;
    const max = exceeded ? quotaMax(exceeded) : null;
    if (exceeded && max !== null) {
      text = t('generate.quotaExceeded', {
        left: quotaLeft(exceeded) ?? 0,
        max,
        time: formatResetTime(exceeded.reset_at, lang),
      });
    }
  }
  const canRetry = retriesSameKey(error) || retriesFresh(error);
  return (
    <div data-testid="generate-error">
      {text ? (
        <div className="inline-error" role="alert">
          <p>{text}</p>
        </div>
      ) : (
        <InlineError error={error} />
      )}
      {canRetry && (
        <button type="button" className="button button-wide" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
