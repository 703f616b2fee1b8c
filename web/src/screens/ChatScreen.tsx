import { memo, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { Link } from 'react-router-dom';
import type { Me, Message, Quota } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { errorText } from '../components/errorText';
import { EmptyState, ErrorState, InlineError, Skeleton } from '../components/States';
import { WordChips } from '../components/WordChips';
import { MESSAGE_MAX, visibleAnswer } from '../chat/tutorChat';
import { useTutorChat, type Exchange } from '../chat/useTutorChat';
import { formatResetTime, quotaExhausted, quotaLeft } from '../domain/quota';
import { useMe } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';

/** How close to the bottom (px) still counts as "at the bottom": new text then keeps it in view. */
const STICK_DISTANCE = 120;

/** `/chat`: the tutor dialog of the active profile. */
export function ChatScreen() {
  const me = useMe();
  if (me.isPending) {
    return (
      <main className="screen">
        <Skeleton lines={2} />
        <Skeleton lines={5} />
      </main>
    );
  }
  if (me.isError) {
    return (
      <main className="screen">
        <ErrorState error={me.error} onRetry={() => me.refetch()} />
      </main>
    );
  }
  // Another profile is another conversation.
  return <ChatView key={me.data.active_profile_id ?? 'none'} me={me.data} />;
}

const DAY_MS = 86_400_000;

/** Renders again once `iso` has passed (a quota that resets while the screen is open). */
function useRerenderAt(iso: string | undefined): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!iso) return undefined;
    const wait = Date.parse(iso) - Date.now();
    if (Number.isNaN(wait) || wait < 0 || wait > DAY_MS) return undefined;
    const timer = window.setTimeout(() => setTick((n) => n + 1), wait + 1000);
    return () => window.clearTimeout(timer);
  }, [iso]);
}

function scrollingElement(): HTMLElement {
  return (document.scrollingElement as HTMLElement | null) ?? document.documentElement;
}

function scrollToY(y: number): void {
  if (typeof window.scrollTo === 'function') window.scrollTo({ top: y });
}

function ChatView({ me }: { me: Me }) {
  const { t } = useI18n();
  const chat = useTutorChat(me.active_profile_id);
  const { history, messages, exchange } = chat;
  const [confirmingClear, setConfirmingClear] = useState(false);
  const composer = useRef<HTMLTextAreaElement>(null);
  const quota = chat.quota ?? me.limits.messages;
  const outOfQuota = quotaExhausted(quota);
  useRerenderAt(outOfQuota ? quota?.reset_at : undefined);

  // Scrolling: follow new text while the reader is at the bottom; keep the view still when
  // earlier messages are put above it.
  const stick = useRef(true);
  const restore = useRef<{ height: number; y: number } | null>(null);
  useEffect(() => {
    const onScroll = () => {
      const element = scrollingElement();
      stick.current = element.scrollHeight - (window.scrollY + window.innerHeight) < STICK_DISTANCE;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);
  const content = `${messages.length}:${messages.at(-1)?.id ?? ''}:${exchange?.key ?? ''}:${exchange?.phase ?? ''}:${exchange?.answer.length ?? 0}`;
  useLayoutEffect(() => {
    const element = scrollingElement();
    const anchor = restore.current;
    if (anchor) {
      restore.current = null;
      scrollToY(anchor.y + (element.scrollHeight - anchor.height));
    } else if (stick.current) {
      scrollToY(element.scrollHeight);
    }
  }, [content]);

  const loadEarlier = () => {
    const element = scrollingElement();
    restore.current = { height: element.scrollHeight, y: window.scrollY };
    void history.fetchNextPage().then((result) => {
      if (result.isError) restore.current = null;
    });
  };

  const send = () => {
    stick.current = true;
    chat.send();
  };

  const last = messages.at(-1);
  const unanswered = !exchange && last?.role === 'user' ? last : undefined;
  const shown = exchange?.userMessageId ? messages.filter((m) => m.id !== exchange.userMessageId) : messages;
  const empty = history.isSuccess && messages.length === 0 && !exchange;

  let footer;
  if (chat.notConfigured) {
    footer = (
      <div className="card state chat-blocked" role="status" data-testid="chat-not-configured">
        <h2>{t('chat.notConfigured.title')}</h2>
        <p>{t('chat.notConfigured.text')}</p>
        <Link to="/" className="button">
          {t('common.home')}
        </Link>
      </div>
    );
  } else if (outOfQuota && quota) {
    footer = <QuotaExceeded quota={quota} />;
  } else {
    footer = (
      <Composer
        inputRef={composer}
        value={chat.draft}
        onChange={chat.setDraft}
        onSend={send}
        busy={chat.busy}
        error={chat.composerError}
      />
    );
  }

  return (
    <main className="screen chat">
      <header className="screen-header chat-header">
        <div className="row row-between">
          <h1>{t('chat.title')}</h1>
          {(messages.length > 0 || exchange) && (
            <button
              type="button"
              className="button button-small button-danger-outline"
              onClick={() => setConfirmingClear(true)}
              disabled={chat.busy || chat.clear.isPending}
            >
              {t('chat.clear')}
            </button>
          )}
        </div>
        <QuotaLine quota={quota} />
        <InlineError error={chat.clear.error} />
      </header>

      {history.isPending && <Skeleton lines={5} />}
      {history.isError && <ErrorState error={history.error} onRetry={() => history.refetch()} />}
      {history.hasNextPage && (
        <button
          type="button"
          className="button button-wide"
          onClick={loadEarlier}
          disabled={history.isFetchingNextPage}
          aria-busy={history.isFetchingNextPage}
        >
          {history.isFetchingNextPage ? t('common.loading') : t('chat.loadEarlier')}
        </button>
      )}
      {empty && (
        <EmptyState text={t('chat.empty')} action={<p className="hint">{t('chat.emptyExample')}</p>} />
      )}
      {(shown.length > 0 || exchange) && (
        <ol className="chat-list" role="log" aria-label={t('chat.title')}>
          {shown.map((message) => (
            <MessageItem key={message.id} message={message} />
          ))}
          {unanswered && (
            <li className="chat-note" data-testid="chat-unanswered">
              <p className="hint">{t('chat.unanswered')}</p>
              <button
                type="button"
                className="button button-small"
                disabled={outOfQuota || chat.notConfigured}
                onClick={() => chat.retryUnanswered(unanswered)}
              >
                {t('chat.retry')}
              </button>
            </li>
          )}
          {exchange && (
            <ExchangeItems
              exchange={exchange}
              onRetry={chat.retry}
              retryDisabled={outOfQuota || chat.notConfigured}
            />
          )}
        </ol>
      )}

      {footer}

      {confirmingClear && (
        <ConfirmDialog
          text={t('chat.clearConfirm')}
          confirmLabel={t('chat.clearYes')}
          cancelLabel={t('common.cancel')}
          onConfirm={() => {
            setConfirmingClear(false);
            chat.clear.mutate(undefined, { onSuccess: () => composer.current?.focus() });
          }}
          onCancel={() => setConfirmingClear(false)}
        />
      )}
    </main>
  );
}

/** One saved message; plain text (line breaks kept by CSS), never HTML. */
const MessageItem = memo(function MessageItem({ message }: { message: Message }) {
  const { t } = useI18n();
  return (
    <li className={`chat-message chat-${message.role}`} data-role={message.role} data-status="sent">
      <span className="visually-hidden">{message.role === 'user' ? t('chat.you') : t('chat.tutor')}: </span>
      <p className="chat-bubble">{message.content}</p>
      {message.role === 'assistant' && <WordChips words={message.words} />}
    </li>
  );
});

/** The message in flight: the user's text, then the typing dots, the streamed answer, or the failure. */
function ExchangeItems({
  exchange,
  onRetry,
  retryDisabled,
}: {
  exchange: Exchange;
  onRetry: () => void;
  retryDisabled: boolean;
}) {
  const { t } = useI18n();
  const answer = visibleAnswer(exchange.answer);
  const failed = exchange.phase === 'failed';
  return (
    <>
      <li className="chat-message chat-user" data-role="user" data-status={failed ? 'failed' : 'sending'}>
        <span className="visually-hidden">{t('chat.you')}: </span>
        <p className="chat-bubble">{exchange.text}</p>
        {failed && (
          <div className="chat-failed" role="alert" data-testid="chat-failed">
            <p>{t('chat.failed', { reason: errorText(t, exchange.error) })}</p>
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
        </li>
      )}
    </>
  );
}

function Composer({
  inputRef,
  value,
  onChange,
  onSend,
  busy,
  error,
}: {
  inputRef: RefObject<HTMLTextAreaElement | null>;
  value: string;
  onChange: (text: string) => void;
  onSend: () => void;
  busy: boolean;
  error: unknown;
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

function QuotaLine({ quota }: { quota: Quota | undefined }) {
  const { t } = useI18n();
  if (!quota) return null;
  const left = quotaLeft(quota);
  return (
    <p className="hint" data-testid="chat-quota">
      {left === null ? t('chat.quotaUnlimited') : t('chat.quotaLeft', { left, max: quota.max ?? 0 })}
    </p>
  );
}

function QuotaExceeded({ quota }: { quota: Quota }) {
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
      <Link to="/" className="button">
        {t('common.home')}
      </Link>
    </div>
  );
}
