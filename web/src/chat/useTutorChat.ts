import { useEffect, useRef, useState } from 'react';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiError, NETWORK_ERROR, isApiError } from '../api/errors';
import { isAbortError, streamError } from '../api/sse';
import type { ChatReply, ChatRequest, DialogPage, Me, Message, Quota } from '../api/types';
import { quotaFromDetails } from '../domain/quota';
import { queryKeys, rememberLlmUnavailable } from '../hooks/queries';
import { useApi } from '../session/SessionProvider';
import { haptics } from '../telegram/haptics';
import { HISTORY_PAGE, emptyHistory, historyMessages, storeMessages } from './tutorChat';

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
  /** Failed because the learner pressed Stop, not because of an error. */
  stopped: boolean;
}

/** What to send, and the saved user message it answers when that is known. */
interface Target {
  request: ChatRequest;
  knownId: string | null;
}

export const dialogKey = (profileId: string | null) => ['dialog', profileId ?? 'active'] as const;

let localKeys = 0;
const newKey = () => `local-${(localKeys += 1)}`;

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
  /** The request the learner stopped (its failure shows as "stopped", not as an error). */
  const stopped = useRef<AbortController | null>(null);
  const current = useRef<Exchange | null>(null);
  useEffect(() => {
    current.current = exchange;
  });

  useEffect(
    () => () => {
      const inFlight = abort.current;
      if (inFlight) {
        inFlight.abort();
        abort.current = null;
      }
      // The server finishes an answer anyway, and a failed message stays saved there: fetch
      // the history afresh next time.
      if (inFlight || current.current) void queryClient.invalidateQueries({ queryKey: key, refetchType: 'none' });
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
    void storeMessages(queryClient, key, [message]);
  };

  /**
   * Sends one message (or the retry of one) and streams its answer. `start` is what to send,
   * or a function that decides it first (a look at the history); the message shows as being
   * answered meanwhile.
   */
  const run = async (start: Target | (() => Promise<Target>), text: string, reuseKey?: string) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    let knownId = typeof start === 'function' ? null : start.knownId;
    const outcome: { reply: ChatReply | null; failure: ApiError | null; userMessageId: string | null } = {
      reply: null,
      failure: null,
      userMessageId: knownId,
    };
    let answer = '';
    setComposerError(null);
    setExchange({
      key: reuseKey ?? newKey(),
      text,
      userMessageId: knownId,
      answer: '',
      phase: 'waiting',
      error: null,
      stopped: false,
    });
    try {
      const target = typeof start === 'function' ? await start() : start;
      controller.signal.throwIfAborted();
      knownId = target.knownId;
      outcome.userMessageId = knownId;
      const id = knownId;
      if (id) setExchange((current) => current && { ...current, userMessageId: id });
      const body = await api.chat(client, target.request, {
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
      if (abort.current === controller) abort.current = null;
      await storeMessages(queryClient, key, [reply.user_message, reply.assistant_message]);
      if (reply.quota) rememberQuota(reply.quota);
      setExchange(null);
      haptics.notification('success');
    } catch (error) {
      const savedId =
        outcome.userMessageId ??
        (isApiError(error) && typeof error.details?.user_message_id === 'string' ? error.details.user_message_id : null);
      const fail = (failure: unknown, byStop: boolean) => {
        // A saved message stays in the history as the server has it, unanswered, so it is
        // still there (with its Retry) when the learner comes back.
        if (savedId !== null) keepUnanswered(savedId, text);
        setExchange((current) => ({
          key: current?.key ?? newKey(),
          text,
          userMessageId: savedId,
          answer: '',
          phase: 'failed',
          error: failure,
          stopped: byStop,
        }));
      };
      if (isAbortError(error) || controller.signal.aborted) {
        // Left the screen or superseded: nothing to show. Stopped: the message waits for Retry.
        if (stopped.current === controller) fail(null, true);
        return;
      }
      haptics.notification('error');
      const code = isApiError(error) ? error.code : undefined;
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
        rememberLlmUnavailable(queryClient);
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
        fail(error, false);
      }
    } finally {
      if (abort.current === controller) abort.current = null;
      if (stopped.current === controller) stopped.current = null;
    }
  };

  const busy = exchange !== null && exchange.phase !== 'failed';

  /** Sends `text` as a new message; false when it cannot go now (nothing to send, busy). */
  const sendText = (raw: string): boolean => {
    const text = raw.trim();
    // Only once the history is there: an answer needs a cached dialog to go into.
    if (!text || busy || !history.data) return false;
    // An earlier failed message stays in the history as it is on the server, unanswered.
    if (exchange?.phase === 'failed' && exchange.userMessageId) keepUnanswered(exchange.userMessageId, exchange.text);
    haptics.impact('light');
    void run({ request: { message: text }, knownId: null }, text);
    return true;
  };

  /** Sends the draft as a new message. */
  const send = () => {
    if (sendText(draft)) setDraft('');
  };

  /** Stops the answer being streamed; the message then waits with a Retry. */
  const stop = () => {
    const controller = abort.current;
    if (!controller) return;
    haptics.impact('light');
    stopped.current = controller;
    controller.abort();
  };

  /**
   * Sends the failed message again: by its id once saved. Without an id, a lost connection
   * (or Stop) may still have saved it before any frame came back, so the history is asked
   * first: when its latest message is this text without an answer, that one is retried
   * instead of asking the same question twice.
   */
  const retry = () => {
    if (!exchange || exchange.phase !== 'failed') return;
    haptics.impact('light');
    const { text, key: reuseKey, userMessageId } = exchange;
    if (userMessageId) {
      void run({ request: { retry_message_id: userMessageId }, knownId: userMessageId }, text, reuseKey);
      return;
    }
    const maybeSaved = exchange.stopped || (isApiError(exchange.error) && exchange.error.code === NETWORK_ERROR);
    if (!maybeSaved) {
      void run({ request: { message: text }, knownId: null }, text, reuseKey);
      return;
    }
    void run(
      async () => {
        const latest = (await api.dialogHistory(client, { limit: 1 })).data.at(-1);
        if (latest?.role === 'user' && latest.content.trim() === text.trim()) {
          return { request: { retry_message_id: latest.id }, knownId: latest.id };
        }
        return { request: { message: text }, knownId: null };
      },
      text,
      reuseKey,
    );
  };

  /** Asks again for the answer to a message that the history shows without one. */
  const retryUnanswered = (message: Message) => {
    if (busy) return;
    haptics.impact('light');
    void run({ request: { retry_message_id: message.id }, knownId: message.id }, message.content, message.id);
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
    sendText,
    stop,
    retry,
    retryUnanswered,
    quota,
    notConfigured,
    composerError,
    clear,
  };
}
