/**
 * A fake OpenAI upstream in its own process (so it does not share an event loop with the load generator):
 *   node --import tsx bench/upstream.ts <port> [chunkDelayMs]
 * Answers ~1 KB of realistic text, streamed in 32 chunks when asked.
 */
import { startFakeOpenAI } from '../test/fakes/openai.js';

const [portArg, delayArg] = process.argv.slice(2);
const fake = await startFakeOpenAI({
  answerBytes: 1024,
  chunks: 32,
  chunkDelayMs: delayArg ? Number(delayArg) : undefined,
  usage: { prompt_tokens: 60, completion_tokens: 230 },
});
// The fake records requests for tests; a benchmark must not grow memory with them.
setInterval(() => {
  fake.requests.length = 0;
}, 1000).unref();
process.stdout.write(`${JSON.stringify({ url: fake.url, requestedPort: Number(portArg ?? 0) })}\n`);
