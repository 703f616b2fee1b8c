import { useEffect, useRef, useState } from 'react';
import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiError, NETWORK_ERROR, isApiError } from '../api/errors';
import { isAbortError, streamError } from '../api/sse';
import type { ChatReply, ChatRequest, DialogPage, Me, Message, Quota } from '../api/types';
import { quotaFromDetails } from '../domain/quota';
import { queryKeys } from '../hooks/queries';
import { useApi } from '../session/SessionProvider';
import { haptics } from '../telegram/haptics';
import { HISTORY_PAGE, appendMessages, emptyHistory, historyMessages } from './tutorChat';

/**
 * The message being answered, or the last one whose answer failed. At most one at a time:
 * the server only accepts a retry for the latest message.
 */
export interface Exchange {
  /** React key; stays the same across a retry. */
  key: string;
  text: string;
  /** The saved user message, once known: `user_message`, a 502's details, or the history. */
  userMessageId: string | null;
  /** The answer streamed so far. */
  answer: string;
  phase: 'waiting' | 'streaming' | 'failed';
  error: unknown;
}

export const dialogKey = (profileId: string | null) => ['dialog', profileId ?? 'active'] as const;

let localKeys = 0;

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

function deltaText(value: unknown): string {
  const text = typeof value === 'object' && value !== null ? (value as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text : '';
}

function isChatReply(value: unknown): value is ChatReply {
  return (
    typeof value === 'object' &&
    value !== null &&
    isMessage((value as ChatReply).user_message) &&
    isMessage((value as ChatReply).assistant_message)
  );
}

/**
 * The tutor dialog of the active profile: the history (pages of `GET /api/dialog/history`,
 * earlier ones loaded on demand), the message in flight with its streamed answer, retries,
 * the messages quota, and clearing. Leaving the screen aborts the stream.
 */
export function useTutorChat(profileId: string | null) {
  const client = useApi();
  const queryClient = useQueryClient();
  const key = dialogKey(profileId);

  const history = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => api.dialogHistory(client, { before: pageParam, limit: HISTORY_PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: DialogPage) =>
      last.pagination.has_more ? (last.pagination.next_before ?? undefined) : undefined,
  });

  const [exchange, setExchange] = useState<Exchange | null>(null);
  const [draft, setDraft] = useState('');
  /** The latest messages quota the server reported (a reply, a 429); Me's until then. */
  const [quota, setQuota] = useState<Quota | undefined>(undefined);
  const [notConfigured, setNotConfigured] = useState(false);
  /** A message refused before it was saved (moderation, validation): shown by the composer. */
  const [composerError, setComposerError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(
    () => () => {
      if (abort.current) {
        abort.current.abort();
        abort.current = null;
        // The server finishes the answer anyway: fetch the history afresh next time.
        void queryClient.invalidateQueries({ queryKey: key, refetchType: 'none' });
      }
    },
    // The key is fixed for the screen's lifetime (the screen remounts for another profile).
    [],
  );

  const rememberQuota = (next: Quota) => {
    setQuota(next);
    queryClient.setQueryData<Me>(queryKeys.me, (me) => (me ? { ...me, limits: { ...me.limits, messages: next } } : me));
  };

  /** Puts a saved user message without an answer into the cached history, as the server has it. */
  const keepUnanswered = (id: string, text: string) => {
    const message: Message = {
      id,
      profile_id: profileId ?? '',
      role: 'user',
      content: text,
      channel: 'miniapp',
      created_at: new Date().toISOString(),
      words: [],
    };
    queryClient.setQueryData<InfiniteData<DialogPage>>(key, (data) => appendMessages(data, [message]));
  };

  const run = async (request: ChatRequest, text: string, knownId: string | null, reuseKey?: string) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const outcome: { reply: ChatReply | null; failure: ApiError | null; userMessageId: string | null } = {
      reply: null,
      failure: null,
      userMessageId: knownId,
    };
    let answer = '';
    setComposerError(null);
    setExchange({
      key: reuseKey ?? `local-${(localKeys += 1)}`,
      text,
      userMessageId: knownId,
      answer: '',
      phase: 'waiting',
      error: null,
    });
    try {
      const body = await api.chat(client, request, {
        signal: controller.signal,
        onEvent: (event, data) => {
          if (event === 'user_message' && isMessage(data)) {
            outcome.userMessageId = data.id;
            setExchange((current) => current && { ...current, userMessageId: data.id });
          } else if (event === 'delta') {
            answer += deltaText(data);
            const shown = answer;
            setExchange((current) => current && { ...current, answer: shown, phase: 'streaming' });
          } else if (event === 'done' && isChatReply(data)) {
            outcome.reply = data;
          } else if (event === 'error') {
            outcome.failure = streamError(data);
          }
        },
      });
      if (isChatReply(body)) outcome.reply = body;
      if (outcome.failure) throw outcome.failure;
      const reply = outcome.reply;
      if (!reply) throw new ApiError(0, NETWORK_ERROR, 'The answer stream ended before the answer was complete');
      queryClient.setQueryData<InfiniteData<DialogPage>>(key, (data) =>
        appendMessages(data, [reply.user_message, reply.assistant_message]),
      );
      if (reply.quota) rememberQuota(reply.quota);
      setExchange(null);
      haptics.notification('success');
    } catch (error) {
      if (isAbortError(error)) return;
      haptics.notification('error');
      const code = isApiError(error) ? error.code : undefined;
      const savedId =
        outcome.userMessageId ??
        (isApiError(error) && typeof error.details?.user_message_id === 'string' ? error.details.user_message_id : null);
      // Refused: a text never saved goes back into the composer; a saved one stays in the
      // history, unanswered, with its own retry.
      const giveBack = () => {
        setExchange(null);
        if (savedId === null) setDraft((current) => (current.trim() ? current : text));
        else keepUnanswered(savedId, text);
      };
      const exceeded = code === 'QUOTA_EXCEEDED' && isApiError(error) ? quotaFromDetails(error.details) : undefined;
      if (code === 'LLM_NOT_CONFIGURED') {
        setNotConfigured(true);
        giveBack();
      } else if (exceeded) {
        rememberQuota(exceeded);
        giveBack();
      } else if (code === 'CONTENT_REJECTED' || code === 'VALIDATION_ERROR' || code === 'QUOTA_EXCEEDED') {
        setComposerError(error);
        giveBack();
      } else if (code === 'CONFLICT' && knownId !== null) {
        // The message was answered meanwhile (or is no longer the latest): the server knows best.
        setExchange(null);
        void queryClient.invalidateQueries({ queryKey: key });
      } else {
        setExchange((current) => ({
          key: current?.key ?? `local-${(localKeys += 1)}`,
          text,
          userMessageId: savedId,
          answer: '',
          phase: 'failed',
          error,
        }));
      }
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  };

  const busy = exchange !== null && exchange.phase !== 'failed';

  /** Sends the draft as a new message. */
  const send = () => {
    const text = draft.trim();
    if (!text || busy) return;
    // An earlier failed message stays in the history as it is on the server, unanswered.
    if (exchange?.phase === 'failed' && exchange.userMessageId) keepUnanswered(exchange.userMessageId, exchange.text);
    setDraft('');
    haptics.impact('light');
    void run({ message: text }, text, null);
  };

  /** Sends the failed message again: by its id once saved, else as a new message. */
  const retry = () => {
    if (!exchange || exchange.phase !== 'failed') return;
    haptics.impact('light');
    if (exchange.userMessageId) {
      void run({ retry_message_id: exchange.userMessageId }, exchange.text, exchange.userMessageId, exchange.key);
    } else {
      void run({ message: exchange.text }, exchange.text, null, exchange.key);
    }
  };

  /** Asks again for the answer to a message that the history shows without one. */
  const retryUnanswered = (message: Message) => {
    if (busy) return;
    haptics.impact('light');
    void run({ retry_message_id: message.id }, message.content, message.id, message.id);
  };

  const clear = useMutation({
    mutationFn: () => api.clearDialog(client),
    onSuccess: () => {
      abort.current?.abort();
      abort.current = null;
      setExchange(null);
      queryClient.setQueryData(key, emptyHistory());
      haptics.notification('success');
    },
    onError: () => haptics.notification('error'),
  });

  return {
    history,
    messages: historyMessages(history.data),
    exchange,
    busy,
    draft,
    setDraft: (text: string) => {
      setComposerError(null);
      setDraft(text);
    },
    send,
    retry,
    retryUnanswered,
    quota,
    notConfigured,
    composerError,
    clear,
  };
}
