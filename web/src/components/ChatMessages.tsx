import { memo } from 'react';
import type { Message } from '../api/types';
import type { Exchange } from '../chat/useTutorChat';
import { useI18n } from '../i18n/i18n';
import { errorText } from './errorText';
import { WordChips } from './WordChips';

/** One saved message; plain text (line breaks kept by CSS), never HTML. */
export const MessageItem = memo(function MessageItem({ message }: { message: Message }) {
  const { t } = useI18n();
  return (
    <li className={`chat-message chat-${message.role}`} data-role={message.role} data-status="sent">
      <span className="visually-hidden">{message.role === 'user' ? t('chat.you') : t('chat.tutor')}: </span>
      <p className="chat-bubble">{message.content}</p>
      {message.role === 'assistant' && <WordChips words={message.words} />}
    </li>
  );
});

/**
 * The message in flight: the user's text, then the typing dots or the streamed answer with a
 * Stop button, or the failure with a Retry.
 */
export function ExchangeItems({
  exchange,
  onRetry,
  onStop,
  retryDisabled,
}: {
  exchange: Exchange;
  onRetry: () => void;
  onStop: () => void;
  retryDisabled: boolean;
}) {
  const { t } = useI18n();
  const { answer } = exchange;
  const failed = exchange.phase === 'failed';
  return (
    <>
      <li className="chat-message chat-user" data-role="user" data-status={failed ? 'failed' : 'sending'}>
        <span className="visually-hidden">{t('chat.you')}: </span>
        <p className="chat-bubble">{exchange.text}</p>
        {failed && (
          <div className="chat-failed" role="alert" data-testid="chat-failed">
            <p>{exchange.stopped ? t('chat.stopped') : t('chat.failed', { reason: errorText(t, exchange.error) })}</p>
            <button type="button" className="button button-small" onClick={onRetry} disabled={retryDisabled}>
              {t('chat.retry')}
            </button>
          </div>
        )}
      </li>
      {!failed && (
        <li className="chat-message chat-assistant" data-role="assistant" data-status="streaming" data-testid="chat-streaming" aria-busy="true">
          <span className="visually-hidden">{t('chat.tutor')}: </span>
          {answer ? (
            <p className="chat-bubble">{answer}</p>
          ) : (
            <div className="chat-bubble typing" role="status" aria-label={t('chat.typing')} data-testid="typing">
              <span />
              <span />
              <span />
            </div>
          )}
          <button type="button" className="button button-small chat-stop" onClick={onStop} data-testid="chat-stop">
            {t('chat.stop')}
          </button>
        </li>
      )}
    </>
  );
}
