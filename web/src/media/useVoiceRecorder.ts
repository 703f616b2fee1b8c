import { useEffect, useRef, useState } from 'react';

/** Shorter than this is a tap, not a question: nothing is sent. */
export const MIN_RECORDING_MS = 600;
/** The bot's limit for a voice message, kept here too: the recording ends and is sent. */
export const MAX_RECORDING_MS = 120_000;

/** Containers the server knows by their bytes, in the order browsers record them best. */
const PREFERRED_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm'];

export function pickMimeType(isSupported: (type: string) => boolean): string | undefined {
  return PREFERRED_TYPES.find((type) => isSupported(type));
}

/** Whether this browser can record at all (Telegram's web views do; old ones may not). */
export function voiceRecordingSupported(): boolean {
  return typeof window !== 'undefined' && typeof window.MediaRecorder === 'function' &&
    typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/** Why nothing was sent, to say so. */
export type VoiceNotice = 'tooShort' | 'cancelled' | 'denied' | 'noMicrophone';
export type RecorderPhase = 'idle' | 'starting' | 'recording';

interface Recording {
  recorder: MediaRecorder;
  stream: MediaStream;
  startedAt: number;
  send: boolean;
  timer: ReturnType<typeof setTimeout>;
}

/** "0:07", "1:59". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * Hold-to-record: `start` on press asks for the microphone and records; `release` ends it and
 * hands the recording to `onRecording` (unless it was a tap); `cancel` drops it. A release
 * that comes while the microphone is still being granted (the permission prompt) ends the
 * attempt. Leaving the screen drops a recording in progress and frees the microphone.
 */
export function useVoiceRecorder(onRecording: (audio: Blob) => void) {
  const [phase, setPhase] = useState<RecorderPhase>('idle');
  const [startedAt, setStartedAt] = useState(0);
  const [notice, setNotice] = useState<VoiceNotice | null>(null);
  const current = useRef<Recording | null>(null);
  const releasedEarly = useRef<'send' | 'cancel' | null>(null);
  const phaseRef = useRef<RecorderPhase>('idle');
  const deliver = useRef(onRecording);
  useEffect(() => {
    deliver.current = onRecording;
  });

  const enter = (next: RecorderPhase) => {
    phaseRef.current = next;
    setPhase(next);
  };

  const finish = (how: 'send' | 'cancel') => {
    const recording = current.current;
    if (!recording) {
      if (phaseRef.current === 'starting') releasedEarly.current = how;
      return;
    }
    const long = Date.now() - recording.startedAt >= MIN_RECORDING_MS;
    recording.send = how === 'send' && long;
    if (how === 'cancel') setNotice('cancelled');
    else if (!long) setNotice('tooShort');
    if (recording.recorder.state !== 'inactive') recording.recorder.stop();
  };

  const start = async () => {
    if (phaseRef.current !== 'idle') return;
    releasedEarly.current = null;
    setNotice(null);
    enter('starting');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      enter('idle');
      const name = error instanceof DOMException ? error.name : '';
      setNotice(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'noMicrophone');
      return;
    }
    if (releasedEarly.current) {
      stream.getTracks().forEach((track) => track.stop());
      enter('idle');
      if (releasedEarly.current === 'send') setNotice('tooShort');
      return;
    }
    const mimeType = pickMimeType((type) => MediaRecorder.isTypeSupported(type));
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const chunks: Blob[] = [];
    const recording: Recording = {
      recorder,
      stream,
      startedAt: Date.now(),
      send: false,
      timer: setTimeout(() => finish('send'), MAX_RECORDING_MS),
    };
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) chunks.push(event.data);
    };
    recorder.onstop = () => {
      clearTimeout(recording.timer);
      stream.getTracks().forEach((track) => track.stop());
      if (current.current === recording) current.current = null;
      enter('idle');
      if (recording.send && chunks.length > 0) {
        deliver.current(new Blob(chunks, { type: recorder.mimeType || mimeType || 'audio/webm' }));
      }
    };
    current.current = recording;
    recorder.start();
    setStartedAt(recording.startedAt);
    enter('recording');
  };

  useEffect(
    () => () => {
      const recording = current.current;
      if (!recording) return;
      recording.send = false;
      clearTimeout(recording.timer);
      if (recording.recorder.state !== 'inactive') recording.recorder.stop();
      recording.stream.getTracks().forEach((track) => track.stop());
    },
    [],
  );

  return {
    phase,
    startedAt,
    notice,
    start: () => void start(),
    release: () => finish('send'),
    cancel: () => finish('cancel'),
    clearNotice: () => setNotice(null),
  };
}
