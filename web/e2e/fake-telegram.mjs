// A tiny fake of the Telegram Bot API for the end-to-end tests: api-server (TELEGRAM_API_BASE_URL)
// creates Stars invoice links and refunds through it, and the bot's update processor (running
// inside api-server because scripts/e2e.sh sets TELEGRAM_WEBHOOK_SECRET) sends its messages and
// answers pre-checkout queries to it. No dependencies: node:http only.
//
//   POST /bot<token>/createInvoiceLink   → "https://t.me/$e2e-invoice-<n>" (the call is recorded,
//                                          so a spec can read the invoice payload)
//   POST /bot<token>/refundStarPayment   → true
//   POST /bot<token>/getMe               → the bot
//   POST /bot<token>/getUpdates          → [] after a second (nothing polls in e2e, but be calm)
//   POST /bot<token>/<any other method>  → a message-like result (sendMessage, editMessageText…)
//                                          or true
//   GET  /health                         200 "ok" (scripts/e2e.sh waits for it)
//   GET  /control                        {"calls": [{method, body, at}]}, oldest first
//   POST /control {"reset": true}        forgets the calls
//
// Environment: FAKE_TELEGRAM_PORT (required).
import { createServer } from 'node:http';

const PORT = Number(process.env.FAKE_TELEGRAM_PORT);
if (!Number.isInteger(PORT) || PORT <= 0) {
  console.error('fake-telegram: set FAKE_TELEGRAM_PORT to the port to listen on');
  process.exit(2);
}

const state = { calls: [], invoices: 0, messages: 0 };

function send(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  const type = request.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    try {
      return JSON.parse(text);
    } catch {
      return { raw: text };
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return { raw: text.slice(0, 2000) };
}

function result(method, body) {
  switch (method) {
    case 'createInvoiceLink':
      state.invoices += 1;
      return `https://t.me/$e2e-invoice-${state.invoices}`;
    case 'getMe':
      return { id: 7000000001, is_bot: true, first_name: 'Lang Agent', username: 'lang_agent_e2e_bot' };
    case 'sendMessage':
    case 'sendPhoto':
    case 'sendInvoice':
    case 'sendDocument':
    case 'editMessageText':
    case 'editMessageReplyMarkup':
      state.messages += 1;
      return {
        message_id: state.messages,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(body.chat_id) || 0, type: 'private' },
        text: typeof body.text === 'string' ? body.text : undefined,
      };
    default:
      return true;
  }
}

const server = createServer(async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://fake').pathname;
  if (path === '/health') {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('ok');
    return;
  }
  if (path === '/control') {
    if (request.method === 'POST') {
      const body = await readBody(request);
      if (body.reset) state.calls = [];
    }
    send(response, 200, { calls: state.calls });
    return;
  }
  const match = /^\/bot[^/]+\/(\w+)$/.exec(path);
  if (!match) {
    send(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    return;
  }
  const method = match[1];
  const body = await readBody(request);
  state.calls.push({ method, body, at: new Date().toISOString() });
  console.log(`${new Date().toISOString()} ${method} ${JSON.stringify(body).slice(0, 300)}`);
  if (method === 'getUpdates') {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    send(response, 200, { ok: true, result: [] });
    return;
  }
  send(response, 200, { ok: true, result: result(method, body) });
});

server.listen(PORT, '127.0.0.1', () => {
  console.log(`fake-telegram listening on http://127.0.0.1:${PORT}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
