import { ApiError, NETWORK_ERROR, detailsObject, isErrorBody } from './errors';

/** One dispatched Server-Sent Events frame: its `event:` name and its `data:` lines joined. */
export interface SseFrame {
  event: string;
  data: string;
  id?: string;
}

/** A frame as the API client hands it on: `data` parsed as JSON (the raw text if it is not JSON). */
export type StreamEventHandler = (event: string, data: unknown) => void;

/**
 * An incremental parser of the `text/event-stream` format (WHATWG HTML, "Server-sent events"):
 * text goes in chunk by chunk, split anywhere (inside a line, between CR and LF), and complete
 * frames come out. Lines end with CRLF, LF or CR; `data:` lines accumulate, joined with LF;
 * one space after the colon is dropped; `:` lines are comments; a blank line dispatches.
 */
export class SseParser {
  private buffer = '';
  private started = false;
  private event = '';
  private data: string[] = [];
  private hasData = false;
  private lastId: string | undefined;

  /** Feeds decoded text; returns the frames completed by it. */
  push(text: string): SseFrame[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    this.buffer += text;
    return this.drain(false);
  }

  /**
   * The stream ended. A trailing lone CR ends its line, and a frame left without its blank
   * line is still dispatched (the format would drop it; a server closing right after its last
   * frame should not lose it).
   */
  end(): SseFrame[] {
    const frames = this.drain(true);
    if (this.buffer.length > 0) {
      this.line(this.buffer, frames);
      this.buffer = '';
    }
    this.line('', frames);
    return frames;
  }

  private drain(final: boolean): SseFrame[] {
    const frames: SseFrame[] = [];
    let position = 0;
    const buffer = this.buffer;
    for (;;) {
      const lf = buffer.indexOf('\n', position);
      const cr = buffer.indexOf('\r', position);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
        if (cr === buffer.length - 1 && !final) break;
        end = cr;
        next = buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else {
        break;
      }
      this.line(buffer.slice(position, end), frames);
      position = next;
    }
    this.buffer = buffer.slice(position);
    return frames;
  }

  private line(line: string, frames: SseFrame[]): void {
    if (line === '') {
      if (this.hasData) {
        const frame: SseFrame = { event: this.event || 'message', data: this.data.join('\n') };
        if (this.lastId !== undefined) frame.id = this.lastId;
        frames.push(frame);
      }
      this.event = '';
      this.data = [];
      this.hasData = false;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.lastId = value;
        break;
      default:
        // `retry` and unknown fields: nothing to do for a fetch-based reader.
        break;
    }
  }
}

/** The data of a frame: JSON when it parses, else the text itself. */
export function frameData(frame: SseFrame): unknown {
  try {
    return JSON.parse(frame.data) as unknown;
  } catch {
    return frame.data;
  }
}

export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * How long a stream may stay silent before it counts as lost. The server sends a
 * `: keep-alive` comment every 15 s while it has nothing else to say, so three missed ones
 * mean the connection stalled (a proxy holding it open, a sleeping radio).
 */
export const STREAM_IDLE_TIMEOUT_MS = 45_000;

export interface ReadStreamOptions {
  /** Milliseconds without any bytes after which the stream is given up; see STREAM_IDLE_TIMEOUT_MS. */
  idleTimeoutMs?: number;
}

function lostStream(message: string): ApiError {
  return new ApiError(0, NETWORK_ERROR, message);
}

/**
 * Reads a response body as Server-Sent Events and hands every frame to `onEvent` until the
 * stream ends. A connection lost midway is an ApiError NETWORK_ERROR, and so is a stream
 * that stalls: a watchdog, restarted by every chunk received (comments included), cancels
 * the reader after `idleTimeoutMs` of silence. An abort rethrows the signal's reason (an
 * AbortError), so callers can tell "left the screen" from a failure.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array> | null,
  onEvent: StreamEventHandler,
  signal?: AbortSignal,
  options: ReadStreamOptions = {},
): Promise<void> {
  if (!body) return;
  const idleTimeoutMs = options.idleTimeoutMs ?? STREAM_IDLE_TIMEOUT_MS;
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parser = new SseParser();
  const dispatch = (frames: SseFrame[]) => {
    for (const frame of frames) {
      if (signal?.aborted) throw abortReason(signal);
      onEvent(frame.event, frameData(frame));
    }
  };
  /** One read, given up (and the reader cancelled) when nothing arrives in time. */
  const readWithin = () =>
    new Promise<ReadableStreamReadResult<Uint8Array>>((resolve, reject) => {
      const watchdog = setTimeout(() => {
        reject(lostStream(`No data for ${Math.round(idleTimeoutMs / 1000)} s: the stream stalled`));
        reader.cancel().catch(() => {});
      }, idleTimeoutMs);
      reader.read().then(
        (result) => {
          clearTimeout(watchdog);
          resolve(result);
        },
        (cause: unknown) => {
          clearTimeout(watchdog);
          reject(cause);
        },
      );
    });
  let finished = false;
  // A fetch ties its body to the signal; cancelling here as well also ends a read that
  // some other body (a test's, a polyfill's) would leave waiting.
  const onAbort = () => {
    reader.cancel().catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await readWithin();
      } catch (cause) {
        if (signal?.aborted || isAbortError(cause)) throw signal ? abortReason(signal) : cause;
        if (cause instanceof ApiError) throw cause;
        throw lostStream(cause instanceof Error ? cause.message : 'The stream was interrupted');
      }
      if (signal?.aborted) throw abortReason(signal);
      if (chunk.done) break;
      dispatch(parser.push(decoder.decode(chunk.value, { stream: true })));
    }
    finished = true;
    dispatch(parser.push(decoder.decode()));
    dispatch(parser.end());
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Stops the download when the handler threw or the caller aborted.
    if (!finished) reader.cancel().catch(() => {});
    try {
      reader.releaseLock();
    } catch {
      // A read still pending after a cancel: the lock goes with the stream.
    }
  }
}

/**
 * The ApiError of an `event: error` frame (`{"error": {"code", "message", "request_id"}}`).
 * The HTTP status was already 200, so the one the same code has as a plain response is used.
 */
export function streamError(data: unknown): ApiError {
  if (isErrorBody(data)) {
    const { code, message, details, request_id } = data.error;
    return new ApiError(STREAM_ERROR_STATUS[code] ?? 500, code, message, detailsObject(details), request_id);
  }
  // Not an error body: the code alone is shown (errorText has a localized sentence for it).
  return new ApiError(500, STREAM_ERROR, typeof data === 'string' && data ? data : STREAM_ERROR);
}

/** The code of an `event: error` frame whose data is not the error contract body. */
export const STREAM_ERROR = 'STREAM_ERROR';

const STREAM_ERROR_STATUS: Record<string, number> = {
  LLM_SERVICE_ERROR: 502,
  LLM_NOT_CONFIGURED: 503,
  QUOTA_EXCEEDED: 429,
  LIMIT_REACHED: 402,
  CONTENT_REJECTED: 400,
  VALIDATION_ERROR: 422,
};
