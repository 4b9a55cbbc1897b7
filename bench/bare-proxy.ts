/**
 * The floor: a bare pass-through proxy on undici, no parsing, no checks. Run as a child of bench/run.ts:
 *   node --import tsx bench/bare-proxy.ts <port> <upstream origin>
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [portArg, upstream] = process.argv.slice(2);
const pool = new Pool(upstream!, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    const up = await pool.request({
      method: req.method as 'POST',
      path: req.url ?? '/',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: Buffer.concat(chunks),
    });
    const headers: Record<string, string> = {};
    const ct = up.headers['content-type'];
    if (typeof ct === 'string') headers['content-type'] = ct;
    res.writeHead(up.statusCode, headers);
    for await (const c of up.body) res.write(c);
    res.end();
  } catch (err) {
    res.writeHead(502).end(String(err));
  }
});
server.keepAliveTimeout = 30_000;
server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write('ready\n'));
