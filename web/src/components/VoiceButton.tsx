import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { Quota } from '../api/types';
import { quotaExhausted } from '../domain/quota';
import { queryKeys } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { formatElapsed, useVoiceRecorder } from '../media/useVoiceRecorder';
import { useApi } from '../session/SessionProvider';
import { haptics } from '../telegram/haptics';
import { InlineError } from './States';

/** Re-renders every quarter second while `on`, for the running time of a recording. */
function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

/** Drawn, not an emoji: not every system (or headless browser) has an emoji font. */
function MicrophoneIcon() {
  return (
    <svg aria-hidden="true" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
      <rect x="9" y="3" width="6" height="11" rx="3" fill="currentColor" />
      <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
    </svg>
  );
}

function inside(event: PointerEvent<HTMLElement>): boolean {
  const box = event.currentTarget.getBoundingClientRect();
  return event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
}

/**
 * The tutor's microphone: hold to speak, release to send, slide off the button to cancel
 * (Space or Enter held does the same from a keyboard, Escape cancels). The recording is
 * turned into text by `POST /api/media/transcribe` (the day's voice quota) and `onTranscript`
 * sends that text as the question.
 */
export function VoiceButton({
  quota,
  disabled,
  onTranscript,
}: {
  quota: Quota | undefined;
  disabled: boolean;
  onTranscript: (text: string) => void;
}) {
  const { t } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const transcribe = useMutation({
    mutationFn: (audio: Blob) => api.transcribe(client, audio),
    onSuccess: (transcript) => onTranscript(transcript.text),
    onError: () => haptics.notification('error'),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
  const recorder = useVoiceRecorder((audio) => transcribe.mutate(audio));
  const recording = recorder.phase === 'recording';
  const now = useNow(recording);
  const keyHeld = useRef(false);
  const outOfVoice = quotaExhausted(quota);

  const begin = () => {
    transcribe.reset();
    haptics.impact('medium');
    recorder.start();
  };

  let status: string | null = null;
  if (recording) status = t('chat.voice.recording', { time: formatElapsed(now - recorder.startedAt) });
  else if (transcribe.isPending) status = t('chat.voice.transcribing');
  else if (outOfVoice && quota) status = t('chat.voice.quota', { used: quota.used, max: quota.max ?? quota.used });
  else if (recorder.notice) status = t(`chat.voice.${recorder.notice}`);

  return (
    <>
      <button
        type="button"
        className={`button composer-voice ${recording ? 'composer-voice-recording' : ''}`}
        aria-label={t('chat.voice.hold')}
        title={t('chat.voice.hold')}
        aria-pressed={recording}
        aria-describedby="voice-status"
        data-testid="voice-button"
        disabled={disabled || outOfVoice || transcribe.isPending}
        onPointerDown={(event) => {
          if (event.button !== 0) return;
          event.preventDefault();
          event.currentTarget.setPointerCapture?.(event.pointerId);
          begin();
        }}
        onPointerUp={(event) => (inside(event) ? recorder.release() : recorder.cancel())}
        onPointerCancel={() => recorder.cancel()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') recorder.cancel();
          if ((event.key === ' ' || event.key === 'Enter') && !event.repeat) {
            event.preventDefault();
            keyHeld.current = true;
            begin();
          }
        }}
        onKeyUp={(event) => {
          if ((event.key === ' ' || event.key === 'Enter') && keyHeld.current) {
            event.preventDefault();
            keyHeld.current = false;
            recorder.release();
          }
        }}
        // A long press must not open the system's context menu or select text.
        onContextMenu={(event) => event.preventDefault()}
      >
        <MicrophoneIcon />
      </button>
      <div id="voice-status" className="composer-voice-status">
        {status && (
          <p className={`hint ${recording ? 'hint-warning' : ''}`} role="status" data-testid="voice-status">
            {status}
          </p>
        )}
        <InlineError error={transcribe.error} />
      </div>
    </>
  );
}
