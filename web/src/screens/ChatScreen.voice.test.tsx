import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { answer, chatPosts, renderChat } from '../test/chat';
import { chatReply, dialogPage, errorBody, limits, me, message, quota, sseStream } from '../test/apiStub';
import { pickMimeType } from '../media/useVoiceRecorder';

/** A MediaRecorder that hands over one chunk of Opus-in-WebM bytes when stopped. */
class FakeRecorder {
  static isTypeSupported = (type: string) => type.startsWith('audio/webm');
  state: 'inactive' | 'recording' = 'inactive';
  mimeType: string;
  ondataavailable: ((event: { data: Blob }) => void) | null = null;
  onstop: (() => void) | null = null;
  constructor(_stream: unknown, options?: { mimeType?: string }) {
    this.mimeType = options?.mimeType ?? '';
  }
  start() {
    this.state = 'recording';
  }
  stop() {
    this.state = 'inactive';
    this.ondataavailable?.({ data: new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3])]) });
    this.onstop?.();
  }
}

const track = { stop: vi.fn() };
let getUserMedia: ReturnType<typeof vi.fn>;
let clock = 1_000_000;

beforeEach(() => {
  clock = 1_000_000;
  vi.spyOn(Date, 'now').mockImplementation(() => clock);
  getUserMedia = vi.fn(async () => ({ getTracks: () => [track] }));
  vi.stubGlobal('MediaRecorder', FakeRecorder);
  Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const history = () => ({ body: dialogPage([]) });
const voiceButton = () => screen.findByRole('button', { name: 'Удерживайте, чтобы спросить голосом' });

/** Holds the button for `ms` and lets go, over the button or `away` from it. */
async function hold(ms: number, away = false) {
  const button = await voiceButton();
  fireEvent.pointerDown(button, { button: 0, pointerId: 1 });
  await screen.findByText(/Запись 0:00/);
  clock += ms;
  // jsdom lays nothing out: the button's box is 0×0 at the origin.
  await act(async () => {
    fireEvent.pointerUp(button, { pointerId: 1, clientX: away ? 300 : 0, clientY: 0 });
  });
}

describe('ChatScreen: asking by voice', () => {
  it('a held recording is turned into text and sent as the question', async () => {
    const { server } = renderChat({
      'GET /api/dialog/history': history,
      'POST /api/media/transcribe': () => ({ body: { text: '¿Cómo se dice casa?' } }),
      'POST /api/sessions/chat': () => ({
        stream: sseStream([['done', chatReply(message({ id: 'm-9', content: '¿Cómo se dice casa?' }), answer)]]),
      }),
    });
    await hold(2_000);
    await waitFor(() => expect(chatPosts(server.requests)).toHaveLength(1));
    const upload = server.requests.find((r) => r.path === '/api/media/transcribe');
    expect(upload?.contentType).toBe('application/octet-stream');
    expect(upload?.rawBody).toBeInstanceOf(Blob);
    expect(chatPosts(server.requests)[0]?.body).toEqual({ message: '¿Cómo se dice casa?' });
    expect(track.stop).toHaveBeenCalled();
  });

  it('a tap, a slide away and a refused microphone send nothing and say why', async () => {
    const { server } = renderChat({ 'GET /api/dialog/history': history });
    await hold(200);
    expect(await screen.findByTestId('voice-status')).toHaveTextContent('Слишком коротко');
    await hold(3_000, true);
    expect(await screen.findByTestId('voice-status')).toHaveTextContent('Запись отменена.');
    getUserMedia.mockRejectedValueOnce(new DOMException('no', 'NotAllowedError'));
    fireEvent.pointerDown(await voiceButton(), { button: 0, pointerId: 1 });
    expect(await screen.findByTestId('voice-status')).toHaveTextContent('Нет доступа к микрофону');
    expect(server.requests.filter((r) => r.path === '/api/media/transcribe')).toHaveLength(0);
    expect(chatPosts(server.requests)).toHaveLength(0);
  });

  it('says when nothing was heard, and the voice quota is respected', async () => {
    renderChat({
      'GET /api/dialog/history': history,
      'POST /api/media/transcribe': () => ({ status: 400, body: errorBody('INVALID_FIELD_VALUE', 'x', { reason: 'silent' }) }),
    });
    await hold(1_500);
    expect(await screen.findByText(/В записи не слышно слов/)).toBeInTheDocument();
  });

  it('is disabled with the reason once the day’s voice messages are used', async () => {
    renderChat({
      'GET /api/me': () => ({ body: me({ limits: limits({ voice: quota({ used: 10, max: 10 }) }) }) }),
      'GET /api/dialog/history': history,
    });
    expect(await voiceButton()).toBeDisabled();
    expect(screen.getByTestId('voice-status')).toHaveTextContent('Голосовые на сегодня закончились: 10 из 10.');
  });

  it('is not offered where the server has no speech to text', async () => {
    renderChat({
      'GET /api/me': () => ({ body: me({ features: { llm: true, speech: false } }) }),
      'GET /api/dialog/history': history,
    });
    expect(await screen.findByRole('textbox', { name: 'Сообщение репетитору' })).toBeInTheDocument();
    expect(screen.queryByTestId('voice-button')).not.toBeInTheDocument();
  });

  it('records in a container the server knows', () => {
    expect(pickMimeType((type) => type === 'audio/mp4')).toBe('audio/mp4');
    expect(pickMimeType(() => true)).toBe('audio/webm;codecs=opus');
    expect(pickMimeType(() => false)).toBeUndefined();
  });
});
