import { detectPii } from '../src/guards/pii/index.js';
import { detectSecrets } from '../src/guards/secrets/index.js';

const PARTS = [
  'Hi team, I am trying to debug our deployment pipeline. The service started failing after we upgraded to version 2.14.3 last night. ',
  'Here is the config we use (I removed most of it):\n\n```yaml\nserver:\n  port: 8080\n  host: 0.0.0.0\ndatabase:\n  pool: 20\n  timeout_ms: 5000\n```\n\n',
  'And the code that reads it:\n\n```ts\nexport async function load(path: string): Promise<Config> {\n  const raw = await readFile(path, "utf8");\n  const parsed = YAML.parse(raw) as Config;\n  if (parsed.database.pool > 100) throw new Error("pool too large");\n  return parsed;\n}\n```\n\n',
  '2024-05-14T10:22:31.120Z INFO  request id=7f3c2a91 method=GET path=/api/v1/orders/88213 status=200 duration=12ms\n',
  '2024-05-14T10:22:31.554Z WARN  retrying upstream call attempt=2 backoff=200ms commit=3f786850e387550fdab836ed7e6dc881de23001b\n',
  'Customer wrote: "Please call me back, my number is +44 20 7946 0958 or email jane.roe@example.org." ',
  'The order 4412 was shipped on 14/05/2024; invoice INV-2024-0511 total 1,249.00 EUR. ',
  'Can you explain why the retry logic does not respect the max backoff, and suggest a fix that keeps the API stable? ',
  'We also see errors like ECONNRESET from 10.2.3.4 and timeouts when the pool is exhausted under load. ',
];
let s = '';
let i = 0;
while (s.length < 4096) s += PARTS[i++ % PARTS.length];
s = s.slice(0, 4096);
for (let k = 0; k < 6000; k++) {
  detectPii(s, { role: 'user' });
  detectSecrets(s, { role: 'user' });
}
