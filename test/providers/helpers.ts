/** Shared by the adapter tests of both upstream dialects. */
import { createServer } from 'node:net';
import type { StreamEvent } from '../../src/core/chat.js';
import { PortcullisError } from '../../src/core/errors.js';

/** Call options for an adapter call: a fresh signal unless one is given. */
export function opts(signal: AbortSignal = new AbortController().signal, requestId = 'req-1') {
  return { signal, requestId };
}

export async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

/** The PortcullisError `p` rejects with; anything else (or no rejection) fails the test. */
export async function caught(p: Promise<unknown>): Promise<PortcullisError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PortcullisError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

/** A port nothing listens on: bound, then released. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
