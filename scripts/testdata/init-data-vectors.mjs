// Produces Telegram Mini App initData test vectors with @telegram-apps/init-data-node (the
// HMAC "first-party" path) and Node's own Ed25519 (the "third-party" signature path), so our
// Rust validator is checked against code we did not write.
//
//   cd scripts/testdata && npm ci && node init-data-vectors.mjs \
//     > ../../crates/services/tests/services/data/init_data_vectors.json
import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { sign } from '@telegram-apps/init-data-node';

const BOT_TOKEN = '7000000001:AAHk3lQ9zX2mN8pR4tV6wY1bC5dF7gJ0sLu';
const BOT_ID = 7000000001;
const NOW = new Date('2026-11-27T10:00:00Z');
const seconds = (date) => Math.floor(date.getTime() / 1000);
const minutesFromNow = (m) => new Date(NOW.getTime() + m * 60_000);

// Field names exactly as Telegram sends them (the library passes them through as given).
const user = {
  id: 279058397,
  first_name: 'Анна-Мария',
  last_name: "O'Neil & Co",
  username: 'anna_maria',
  language_code: 'ru',
  is_premium: true,
  allows_write_to_pm: true,
  photo_url: 'https://t.me/i/userpic/320/abc+def=.svg',
};
const base = { user, query_id: 'AAHdF6IQAAAAAN0XohDhrOrc', chat_instance: '-4563541093410296512', chat_type: 'private' };

const cases = [];
const add = (name, init_data, expect, note, verifier = 'first_party') => cases.push({ name, init_data, expect, note, verifier });

const valid = sign(base, BOT_TOKEN, minutesFromNow(-10));
add('valid', valid, 'ok', 'signed ten minutes before now');
add('valid_with_start_param', sign({ ...base, start_param: 'g_ABC123' }, BOT_TOKEN, minutesFromNow(-1)), 'ok');
add('valid_with_signature_field', sign({ ...base, signature: 'c2lnbmF0dXJlLWZyb20tdGVsZWdyYW0' }, BOT_TOKEN, minutesFromNow(-5)), 'ok',
  'newer clients send signature too; the hash covers it');
add('valid_almost_a_day_old', sign(base, BOT_TOKEN, minutesFromNow(-(24 * 60 - 1))), 'ok');

const reordered = new URLSearchParams(valid);
add('reordered', new URLSearchParams([...reordered.entries()].reverse()).toString(), 'ok', 'parameter order does not matter');

const forgedUser = new URLSearchParams(valid);
forgedUser.set('user', forgedUser.get('user').replace('279058397', '279058398'));
add('forged_user', forgedUser.toString(), 'bad_signature', 'another user id under the original hash');
add('other_bot', sign(base, '7000000002:AAHk3lQ9zX2mN8pR4tV6wY1bC5dF7gJ0sLu', minutesFromNow(-1)), 'bad_signature');
const tamperedDate = new URLSearchParams(valid);
tamperedDate.set('auth_date', String(seconds(NOW)));
add('refreshed_auth_date', tamperedDate.toString(), 'bad_signature', 'auth_date moved forward to escape expiry');

add('stale', sign(base, BOT_TOKEN, minutesFromNow(-(24 * 60 + 1))), 'malformed', 'older than 24 hours');
add('future_dated', sign(base, BOT_TOKEN, minutesFromNow(5)), 'malformed', 'five minutes in the future');

add('duplicated_key', `${valid}&auth_date=${seconds(NOW)}`, 'malformed');
add('duplicated_hash', `${valid}&hash=${new URLSearchParams(valid).get('hash')}`, 'malformed');
const noHash = new URLSearchParams(valid);
noHash.delete('hash');
add('no_hash_no_signature', noHash.toString(), 'malformed');
const signatureOnly = new URLSearchParams(sign({ ...base, signature: 'c2lnbmF0dXJlLWZyb20tdGVsZWdyYW0' }, BOT_TOKEN, minutesFromNow(-5)));
signatureOnly.delete('hash');
add('signature_without_hash', signatureOnly.toString(), 'malformed', 'Telegram always sends hash');
const badHex = new URLSearchParams(valid);
badHex.set('hash', 'zz' + badHex.get('hash').slice(2));
add('hash_not_hex', badHex.toString(), 'malformed');
const noUser = new URLSearchParams(sign({ query_id: 'AAH' }, BOT_TOKEN, minutesFromNow(-1)));
add('no_user', noUser.toString(), 'malformed', 'validly signed but names nobody');
add('garbage', 'this is not init data', 'malformed');
add('empty', '', 'malformed');

// Third-party validation (a verifier that knows only the bot id): Ed25519 over
// "<bot_id>:WebAppData\n<sorted pairs without hash and signature>". Telegram sends the hash
// too, which such a verifier cannot check but still requires.
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const rawPublicKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
function thirdParty(authDate, tamper) {
  const params = new URLSearchParams(sign(base, BOT_TOKEN, authDate));
  params.delete('signature'); // the library adds an empty one; Telegram signs without it
  const pairs = [...params.entries()].filter(([k]) => k !== 'hash').map(([k, v]) => `${k}=${v}`).sort();
  const signature = edSign(null, Buffer.from(`${BOT_ID}:WebAppData\n${pairs.join('\n')}`), privateKey).toString('base64url');
  params.set('signature', signature);
  if (tamper) tamper(params);
  return params.toString();
}
add('third_party_valid', thirdParty(minutesFromNow(-3)), 'ok', 'the Ed25519 signature is checked, the hash only required', 'third_party');
add('third_party_forged', thirdParty(minutesFromNow(-3), (p) => p.set('query_id', 'AAother')), 'bad_signature', undefined, 'third_party');
add('third_party_stale', thirdParty(minutesFromNow(-(24 * 60 + 5))), 'malformed', undefined, 'third_party');
add('third_party_no_hash', thirdParty(minutesFromNow(-3), (p) => p.delete('hash')), 'malformed', 'Telegram always sends hash', 'third_party');
add('third_party_no_signature', thirdParty(minutesFromNow(-3), (p) => p.delete('signature')), 'malformed', undefined, 'third_party');

process.stdout.write(JSON.stringify({
  generator: '@telegram-apps/init-data-node 2.0.10 and node:crypto Ed25519',
  bot_token: BOT_TOKEN,
  bot_id: BOT_ID,
  now: seconds(NOW),
  max_age_seconds: 86400,
  third_party_public_key_hex: rawPublicKey,
  expected_user: { id: user.id, first_name: user.first_name, last_name: user.last_name, username: user.username, language_code: user.language_code, photo_url: user.photo_url },
  cases,
}, null, 2) + '\n');
