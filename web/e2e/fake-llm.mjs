// A tiny fake of the OpenAI Chat Completions API for the end-to-end tests, so api-server runs
// with LLM_PROVIDER=openai against something predictable. No dependencies: node:http only.
//
//   POST /v1/chat/completions   card generation (response_format json_schema "card"), a photo's
//                               reading ("photo_reading") or the tutor ("tutor_answer", streamed
//                               or not)
//                               Topics and exercises, by json_schema name:
//                               "topic_suggestions": six topics (Глагол sein, В кафе, Перфект,
//                                 Цвета, Модальные глаголы, Путешествия);
//                               "exercises": as many as the prompt's "Write exactly N" asks, the
//                                 kinds it allows in turn: multiple_choice "Du ___ mein Freund."
//                                 (bin/bist/ist/sind, right: bist), translate "Я устал." → "Ich bin
//                                 müde." (hint "Глагол sein"), fill_gap "Wir ___ (sein) zu Hause."
//                                 → sind, word_order "müde / bin / ich" → "Ich bin müde.",
//                                 transform "Ich bin müde. (во множественное число)" → "Wir sind
//                                 müde."; each with one word for cards;
//                               "exercise_grading": "incorrect" when the answer holds "wrong",
//                                 else "partial", with one mistake
//   POST /v1/audio/transcriptions  a recording (multipart `file` + `model`) as one fixed
//                               Spanish question
//   POST /v1/moderations        never flags anything
//   GET  /health                200 "ok" (scripts/e2e.sh waits for it)
//   GET  /control               the current switches and counters as JSON
//   POST /control               {"please_fail_times": n} → the next n tutor requests whose
//                               learner text holds "please fail" answer 500 (3 at start, one
//                               failed message: api-server makes 3 attempts); {"reset": true}
//                               restores the start state
//
// Environment: FAKE_LLM_PORT (required), FAKE_LLM_KEY (the expected bearer key, default
// `e2e-key`), FAKE_LLM_DELAY_MS (pause between streamed pieces, default 150).
import { createServer } from 'node:http';

const PORT = Number(process.env.FAKE_LLM_PORT);
const KEY = process.env.FAKE_LLM_KEY ?? 'e2e-key';
const DELAY_MS = Number(process.env.FAKE_LLM_DELAY_MS ?? 150);
const PLEASE_FAIL_TIMES = 3;

if (!Number.isInteger(PORT) || PORT <= 0) {
  console.error('fake-llm: set FAKE_LLM_PORT to the port to listen on');
  process.exit(2);
}

/** The tutor's structured answer (`response_format` "tutor_answer"): api-server shows only `answer`. */
const TUTOR_TEXT = 'Отличный вопрос! «Casa» значит «дом».';
const TUTOR_ANSWER = JSON.stringify({ answer: TUTOR_TEXT, words: [{ word: 'la casa', translation: 'дом', note: 'f.' }] });
/** The JSON cut at arbitrary points, through keys and escapes, as a real stream arrives. */
const TUTOR_PIECES = TUTOR_ANSWER.match(/[\s\S]{1,9}/g);
if (TUTOR_PIECES.join('') !== TUTOR_ANSWER) throw new Error('fake-llm: the pieces do not make up the answer');

const state = { pleaseFailLeft: PLEASE_FAIL_TIMES, requests: 0, byKind: {} };

/** What every recording "says" (scripts and specs look for it in the chat). */
const SPOKEN = '¿Cómo se dice «la casa»?';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function log(request, kind, status, extra = '') {
  console.log(`${new Date().toISOString()} ${request.method} ${request.url} ${kind} ${status}${extra ? ` ${extra}` : ''}`);
}

function sendJson(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function openAiError(response, status, message, type = 'server_error') {
  sendJson(response, status, { error: { message, type, param: null, code: null } });
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/** Message content as text, whether a string or an array of `{type: "text", text}` parts. */
function contentText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  return '';
}

function lastUserText(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last = [...messages].reverse().find((m) => m?.role === 'user');
  return contentText(last?.content);
}

/** The text between the last `<tag>` and its `</tag>`. */
function tagged(text, tag) {
  const open = text.lastIndexOf(`<${tag}>`);
  if (open === -1) return null;
  const start = open + tag.length + 2;
  const close = text.indexOf(`</${tag}>`, start);
  return (close === -1 ? text.slice(start) : text.slice(start, close)).trim();
}

function completion(model, content) {
  return {
    id: 'x',
    object: 'chat.completion',
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 50, completion_tokens: 40, total_tokens: 90 },
  };
}

function chunk(model, delta, finishReason = null) {
  return { id: 'x', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

async function streamTutor(request, response, model) {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const frame = (data) => response.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  let closed = false;
  request.on('close', () => {
    closed = true;
  });
  for (const piece of TUTOR_PIECES) {
    await sleep(DELAY_MS);
    if (closed) return;
    frame(chunk(model, { content: piece }));
  }
  await sleep(DELAY_MS);
  frame(chunk(model, {}, 'stop'));
  frame({ id: 'x', object: 'chat.completion.chunk', model, choices: [], usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 } });
  frame('[DONE]');
  response.end();
}

const TOPICS = [
  ['Глагол sein', 'Формы sein в настоящем времени', 'grammar'],
  ['В кафе', 'Заказать еду и напитки', 'situation'],
  ['Перфект', 'Прошедшее время с haben и sein', 'grammar'],
  ['Цвета', 'Названия цветов', 'vocabulary'],
  ['Модальные глаголы', 'können, müssen, wollen', 'grammar'],
  ['Путешествия', 'Вокзал, билеты, отель', 'vocabulary'],
];

const EXERCISES = {
  multiple_choice: {
    question: 'Выберите правильную форму', prompt: 'Du ___ mein Freund.', options: ['bin', 'bist', 'ist', 'sind'],
    correct_index: 1, answer: 'bist', alternatives: [], hint: 'Второе лицо единственного числа',
    explanation: 'С du глагол sein имеет форму bist.', words: [{ word: 'der Freund', translation: 'друг' }],
  },
  translate: {
    question: 'Переведите на немецкий', prompt: 'Я устал.', options: null, correct_index: null,
    answer: 'Ich bin müde.', alternatives: ['Ich bin erschöpft.'], hint: 'Глагол sein',
    explanation: 'Müde — прилагательное, с ним нужен глагол sein.', words: [{ word: 'müde', translation: 'усталый' }],
  },
  fill_gap: {
    question: 'Вставьте глагол в нужной форме', prompt: 'Wir ___ (sein) zu Hause.', options: null, correct_index: null,
    answer: 'sind', alternatives: [], hint: 'Первое лицо множественного числа',
    explanation: 'С wir глагол sein имеет форму sind.', words: [{ word: 'das Haus', translation: 'дом' }],
  },
  word_order: {
    question: 'Составьте предложение', prompt: 'müde / bin / ich', options: null, correct_index: null,
    answer: 'Ich bin müde.', alternatives: [], hint: 'Глагол на втором месте',
    explanation: 'В повествовательном предложении глагол стоит на втором месте.', words: [{ word: 'müde', translation: 'усталый' }],
  },
  transform: {
    question: 'Поставьте во множественное число', prompt: 'Ich bin müde.', options: null, correct_index: null,
    answer: 'Wir sind müde.', alternatives: [], hint: 'ich → wir',
    explanation: 'Ich bin становится wir sind.', words: [{ word: 'müde', translation: 'усталый' }],
  },
};

/** The structured answers for topics and exercises, read off the prompts api-server sends. */
function practice(name, system, user) {
  if (name === 'topic_suggestions') {
    return { topics: TOPICS.map(([topic, description, kind]) => ({ name: topic, description, kind })) };
  }
  if (name === 'exercises') {
    const count = Number(/Write exactly (\d+) exercises/.exec(system)?.[1] ?? 1);
    const allowed = (/Allowed kinds: ([a-z_, ]+)/.exec(system)?.[1] ?? 'translate').split(',').map((k) => k.trim());
    const order = ['multiple_choice', 'translate', 'fill_gap', 'word_order', 'transform'].filter((k) => allowed.includes(k));
    return { exercises: Array.from({ length: count }, (_, i) => ({ kind: order[i % order.length], ...EXERCISES[order[i % order.length]] })) };
  }
  const answer = tagged(user, 'student_answer') ?? '';
  return answer.includes('wrong')
    ? { result: 'incorrect', explanation: 'Это не то, что нужно: проверьте форму глагола.', mistakes: [{ type: 'grammar', text: answer, suggestion: 'Ich bin müde.' }] }
    : { result: 'partial', explanation: 'Почти: проверьте окончание.', mistakes: [{ type: 'spelling', text: answer, suggestion: 'Ich bin müde.' }] };
}

async function chatCompletions(request, response) {
  let body;
  try {
    body = await readBody(request);
  } catch {
    log(request, 'bad-json', 400);
    openAiError(response, 400, 'The body is not JSON', 'invalid_request_error');
    return;
  }
  const model = typeof body.model === 'string' ? body.model : 'fake-model';
  const user = lastUserText(body);
  const format = body.response_format;

  if (format?.type === 'json_schema' && format?.json_schema?.name === 'photo_reading') {
    // A picture of a menu, whatever was sent: its text and four words from it (api-server drops
    // the ones the learner already has cards for).
    const reading = {
      text: 'Menú del día\nla casa de comidas\nsopa de ajo · pan · flan',
      words: [
        { word: 'la casa', translation: 'дом' },
        { word: 'la sopa', translation: 'суп' },
        { word: 'el pan', translation: 'хлеб' },
        { word: 'el flan', translation: 'флан' },
      ],
    };
    log(request, 'photo', 200);
    sendJson(response, 200, completion(model, JSON.stringify(reading)));
    return;
  }

  const structured = format?.type === 'json_schema' ? format?.json_schema?.name : null;
  if (structured === 'topic_suggestions' || structured === 'exercises' || structured === 'exercise_grading') {
    const system = contentText((Array.isArray(body.messages) ? body.messages : [])[0]?.content);
    const answer = practice(structured, system, user);
    log(request, structured, 200);
    sendJson(response, 200, completion(model, JSON.stringify(answer)));
    return;
  }

  if (format?.type === 'json_schema' && format?.json_schema?.name === 'card') {
    const word = tagged(user, 'word') ?? '';
    if (word === 'failword') {
      log(request, 'card', 500, `word=${word}`);
      openAiError(response, 500, 'The fake fails this word on purpose');
      return;
    }
    const card = {
      front: word,
      back: `перевод ${word}`,
      lemma: word,
      part_of_speech: 'noun',
      gender: null,
      forms: [],
      transcription: null,
      example: `Example with ${word}.`,
      example_translation: `Пример с ${word}.`,
    };
    log(request, 'card', 200, `word=${word}`);
    sendJson(response, 200, completion(model, JSON.stringify(card)));
    return;
  }

  const learner = tagged(user, 'learner_message') ?? user;
  if (learner.includes('please fail') && state.pleaseFailLeft > 0) {
    state.pleaseFailLeft -= 1;
    log(request, 'tutor', 500, `please-fail (${state.pleaseFailLeft} more)`);
    openAiError(response, 500, 'The fake fails "please fail" on purpose');
    return;
  }
  if (body.stream === true) {
    log(request, 'tutor', 200, 'stream');
    await streamTutor(request, response, model);
    return;
  }
  log(request, 'tutor', 200);
  sendJson(response, 200, completion(model, TUTOR_ANSWER));
}

const server = createServer(async (request, response) => {
  state.requests += 1;
  const path = new URL(request.url ?? '/', 'http://fake').pathname;
  try {
    if (request.method === 'GET' && path === '/health') {
      log(request, 'health', 200);
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
      return;
    }
    if (path === '/control') {
      if (request.method === 'POST') {
        const body = await readBody(request);
        if (body.reset) state.pleaseFailLeft = PLEASE_FAIL_TIMES;
        if (Number.isInteger(body.please_fail_times)) state.pleaseFailLeft = body.please_fail_times;
      }
      log(request, 'control', 200, `please_fail_left=${state.pleaseFailLeft}`);
      sendJson(response, 200, { please_fail_left: state.pleaseFailLeft, requests: state.requests });
      return;
    }
    if (request.method === 'POST' && path === '/v1/audio/transcriptions') {
      if (request.headers.authorization !== `Bearer ${KEY}`) {
        log(request, 'auth', 401);
        openAiError(response, 401, 'Incorrect API key provided', 'invalid_request_error');
        return;
      }
      const chunks = [];
      for await (const chunk of request) chunks.push(chunk);
      const form = Buffer.concat(chunks).toString('latin1');
      if (!/name="file"/.test(form) || !/name="model"/.test(form)) {
        log(request, 'speech', 400, 'no file or model part');
        openAiError(response, 400, 'A multipart form with `file` and `model` is expected', 'invalid_request_error');
        return;
      }
      log(request, 'speech', 200, `bytes=${form.length}`);
      sendJson(response, 200, { text: SPOKEN });
      return;
    }
    if (request.method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/moderations')) {
      if (request.headers.authorization !== `Bearer ${KEY}`) {
        log(request, 'auth', 401);
        openAiError(response, 401, 'Incorrect API key provided', 'invalid_request_error');
        return;
      }
      if (path === '/v1/moderations') {
        await readBody(request);
        log(request, 'moderation', 200);
        sendJson(response, 200, { id: 'modr-x', model: 'omni-moderation-latest', results: [{ flagged: false, categories: {}, category_scores: {} }] });
        return;
      }
      await chatCompletions(request, response);
      return;
    }
    log(request, 'unknown', 404);
    openAiError(response, 404, `No route ${request.method} ${path}`, 'invalid_request_error');
  } catch (error) {
    log(request, 'crash', 500, String(error));
    if (!response.headersSent) openAiError(response, 500, 'fake-llm crashed');
    else response.end();
  }
});

server.listen(PORT, '127.0.0.1', () => {
  console.log(`fake-llm listening on http://127.0.0.1:${PORT}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
