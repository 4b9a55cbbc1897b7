/** Traffic of one production app on one key, and of someone else using the same key, for key-watch tests. */
import type { ChatRequest } from '../../../src/core/chat.js';
import { createExchange, type Exchange } from '../../../src/core/exchange.js';
import { bodyToChatRequest } from '../../../src/extraction/convert.js';
import type { ExtractionDefence } from '../../../src/extraction/defence.js';
import { harvestLine } from '../helpers.js';

export const APP_SYSTEM =
  "You are Acme Cloud's support assistant. Answer questions about hosting, billing and accounts politely and concisely.";
const TOPICS = ['invoice', 'password', 'domain', 'backup', 'database', 'refund', 'login', 'upgrade', 'outage', 'ssl'];
const VERBS = ['reset', 'change', 'cancel', 'move', 'restore', 'check', 'renew', 'fix', 'delete', 'export'];
export const APP_UA = 'OpenAI/JS 4.73.0';
export const FOREIGN_UA = 'python-httpx/0.27.2';

/** The app: fixed system prompt, fixed parameters, its servers and SDK; varied end-user questions. */
export function appChat(i: number): ChatRequest {
  const q = `How do I ${VERBS[i % 10]} my ${TOPICS[Math.floor(i / 10) % 10]} for order ${i}?`;
  return bodyToChatRequest('/v1/chat/completions', {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: APP_SYSTEM },
      { role: 'user', content: q },
    ],
    max_tokens: 800,
    temperature: 0.3,
  })!;
}

export function foreignChat(i: number): ChatRequest {
  return bodyToChatRequest('/v1/chat/completions', harvestLine(i).body)!;
}

export function exchange(chat: ChatRequest, ip: string, ua: string, keyId = 'key_prod'): Exchange {
  const ex = createExchange({
    id: `ex-${Math.random()}`,
    dialect: 'openai',
    endpoint: 'chat',
    client: { ip, userAgent: ua, headers: {} },
    signal: new AbortController().signal,
    request: { kind: 'chat', chat },
  });
  ex.principal = { tenant: 'acme', keyId, models: null };
  return ex;
}

/** Sends one request through the shape stage and the recorder, as the gateway does. */
export async function send(d: ExtractionDefence, chat: ChatRequest, ip: string, ua: string): Promise<Exchange> {
  const ex = exchange(chat, ip, ua);
  await d.shapeStage(ex, async () => {});
  ex.status = 200;
  d.recorder(ex);
  return ex;
}

export const appIp = (i: number) => `203.0.113.${1 + (i % 20)}`;

/**
 * `learn` requests of the app alone, then one in ten from someone else until the key is flagged (at
 * most `max`). Returns the index (in the mixed part) of the request after which the key was flagged.
 */
export async function runUntilFlagged(d: ExtractionDefence, learn: number, max = 600): Promise<number> {
  for (let i = 0; i < learn; i++) await send(d, appChat(i), appIp(i), APP_UA);
  for (let i = 0; i < max; i++) {
    if (i % 10 === 9) await send(d, foreignChat(i), '198.51.100.7', FOREIGN_UA);
    else await send(d, appChat(learn + i), appIp(i), APP_UA);
    if (d.accounts.get('acme')?.substream) return i;
  }
  return -1;
}
