import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import type { Me } from '../api/types';
import { Composer, QuotaExceeded, QuotaLine } from '../components/ChatComposer';
import { ExchangeItems, MessageItem } from '../components/ChatMessages';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { VoiceButton } from '../components/VoiceButton';
import { EmptyState, ErrorState, InlineError, Skeleton } from '../components/States';
import { useTutorChat } from '../chat/useTutorChat';
import { currentQuota, quotaExhausted } from '../domain/quota';
import { useAtTime } from '../hooks/useAtTime';
import { llmAvailable, queryKeys, useMe } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { voiceRecordingSupported } from '../media/useVoiceRecorder';

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

function scrollingElement(): HTMLElement {
  return (document.scrollingElement as HTMLElement | null) ?? document.documentElement;
}

function scrollToY(y: number): void {
  if (typeof window.scrollTo === 'function') window.scrollTo({ top: y });
}

function ChatView({ me }: { me: Me }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const chat = useTutorChat(me.active_profile_id ?? null);
  const { history, messages, exchange } = chat;
  const [confirmingClear, setConfirmingClear] = useState(false);
  const composer = useRef<HTMLTextAreaElement>(null);
  // The chat's own copy (from its latest reply) until its day is over, then Me's; at the
  // reset Me is fetched again for the new day's count.
  const quota = currentQuota(chat.quota, me.limits.messages);
  const outOfQuota = quotaExhausted(quota);
  useAtTime(quota?.reset_at, () => void queryClient.invalidateQueries({ queryKey: queryKeys.me }));
  // Known from Me (features.llm) or from a 503 to this screen's own request.
  const notConfigured = chat.notConfigured || !llmAvailable(me);

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
  const sendSpoken = (text: string) => {
    stick.current = true;
    chat.sendText(text);
  };
  // The microphone only where the server turns speech into text and the browser can record.
  const voice = me.features?.speech === true && voiceRecordingSupported();

  const last = messages.at(-1);
  const unanswered = !exchange && last?.role === 'user' ? last : undefined;
  const shown = exchange?.userMessageId ? messages.filter((m) => m.id !== exchange.userMessageId) : messages;
  // No invitation to ask while the tutor cannot answer: the unavailable state says so alone.
  const empty = history.isSuccess && messages.length === 0 && !exchange && !notConfigured;

  let footer;
  if (notConfigured) {
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
  } else if (history.isSuccess) {
    // Only once the history is there: an answer needs a loaded dialog to go into.
    footer = (
      <Composer
        inputRef={composer}
        value={chat.draft}
        onChange={chat.setDraft}
        onSend={send}
        busy={chat.busy}
        error={chat.composerError}
        voice={voice && <VoiceButton quota={me.limits.voice} disabled={chat.busy} onTranscript={sendSpoken} />}
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
        {/* No quota to count while the tutor cannot answer at all. */}
        {!notConfigured && <QuotaLine quota={quota} />}
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
                disabled={outOfQuota || notConfigured}
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
              onStop={chat.stop}
              retryDisabled={outOfQuota || notConfigured}
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
