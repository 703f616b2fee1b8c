import type { KeyboardEvent, ReactNode, RefObject } from 'react';
import { Link } from 'react-router-dom';
import type { Quota } from '../api/types';
import { UpgradeLink } from '../billing/UpgradeLink';
import { MESSAGE_MAX } from '../chat/tutorChat';
import { formatResetTime, quotaLeft } from '../domain/quota';
import { useI18n } from '../i18n/i18n';
import { InlineError } from './States';

/**
 * The tutor's message box: Enter sends, Shift+Enter is a new line, the length is counted;
 * `voice` (the microphone) sits between the box and Send when the server takes voice.
 */
export function Composer({
  inputRef,
  value,
  onChange,
  onSend,
  busy,
  error,
  voice,
}: {
  inputRef: RefObject<HTMLTextAreaElement | null>;
  value: string;
  onChange: (text: string) => void;
  onSend: () => void;
  busy: boolean;
  error: unknown;
  voice?: ReactNode;
}) {
  const { t } = useI18n();
  const canSend = !busy && value.trim().length > 0;
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter is a new line; Enter that confirms an IME composition is neither.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    if (canSend) onSend();
  };
  const nearLimit = value.length > MESSAGE_MAX * 0.9;
  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend) onSend();
      }}
    >
      <InlineError error={error} />
      <div className="composer-row">
        <textarea
          ref={inputRef}
          className="input composer-input"
          rows={2}
          maxLength={MESSAGE_MAX}
          value={value}
          placeholder={t('chat.placeholder')}
          aria-label={t('chat.input')}
          aria-describedby="chat-counter"
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
        />
        {voice}
        <button type="submit" className="button button-primary composer-send" disabled={!canSend} aria-busy={busy}>
          {t('chat.send')}
        </button>
      </div>
      <p id="chat-counter" className={`hint composer-counter ${nearLimit ? 'hint-warning' : ''}`} data-testid="chat-counter">
        {t('chat.counter', { count: value.length, max: MESSAGE_MAX })}
      </p>
    </form>
  );
}

export function QuotaLine({ quota }: { quota: Quota | undefined }) {
  const { t } = useI18n();
  if (!quota) return null;
  const left = quotaLeft(quota);
  return (
    <p className="hint" data-testid="chat-quota">
      {left === null ? t('chat.quotaUnlimited') : t('chat.quotaLeft', { left, max: quota.max ?? 0 })}
    </p>
  );
}

export function QuotaExceeded({ quota }: { quota: Quota }) {
  const { t, lang } = useI18n();
  return (
    <div className="card state chat-blocked" role="status" data-testid="chat-quota-exceeded">
      <h2>{t('chat.quotaExceeded.title')}</h2>
      <p>
        {t('chat.quotaExceeded.text', {
          used: quota.used,
          max: quota.max ?? quota.used,
          time: formatResetTime(quota.reset_at, lang),
        })}
      </p>
      <UpgradeLink wide={false} />
      <Link to="/" className="button">
        {t('common.home')}
      </Link>
    </div>
  );
}
