import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { parseKek } from '../audit/crypto.js';
import { AuditError, VerificationError } from '../audit/errors.js';
import { verifyExport, writeExport } from '../audit/export.js';
import { type AuditLog, createAuditLog } from '../audit/log.js';
import { parseVerifierKey } from '../audit/note-keys.js';
import type { VerifyReport } from '../audit/verify.js';
import { verifyDatabase } from '../audit/verify-db.js';
import { resolveConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { auditSeqRangeForTime } from '../store/audit.js';
import { openStore, type Store } from '../store/db.js';
import { CliError, type CliIO, processIO, runCommand } from './admin-client.js';

/**
 * `portcullis audit …`: works on the database directly (the embedded database must not be open in a
 * running gateway; with PostgreSQL it may be). Opening the log first commits any journal a crashed
 * gateway left behind, so `verify` after a crash sees every acknowledged entry.
 */

export interface AuditCliOptions {
  dataDir?: string;
  config?: string;
  json?: boolean;
}

interface Opened {
  cfg: Config;
  store: Store;
  log: AuditLog;
}

async function withLog<T>(o: AuditCliOptions, io: CliIO, body: (x: Opened) => Promise<T>): Promise<T> {
  const cfg = resolveConfig({ config: o.config, dataDir: o.dataDir ?? io.env.PORTCULLIS_DATA_DIR }, io.env);
  const store = await openStore({ dataDir: cfg.storage.data_dir, databaseUrl: cfg.storage.database_url });
  let log: AuditLog | undefined;
  try {
    log = await createAuditLog({
      config: cfg.audit,
      db: store.db,
      dataDir: cfg.storage.data_dir,
      kind: store.kind,
      env: io.env,
    });
    return await body({ cfg, store, log });
  } finally {
    await log?.close().catch(() => {});
    await store.close().catch(() => {});
  }
}

function intArg(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text))
    throw new CliError(`${what} must be a non-negative integer (got "${text.slice(0, 40)}")`);
  return Number(text);
}

/** A verifier key given as a file holding it, or as the key string itself. */
function readPublicKey(arg: string) {
  const text = existsSync(arg) ? readFileSync(arg, 'utf8') : arg;
  return parseVerifierKey(text.trim());
}

function describeReport(r: VerifyReport): string {
  const lines = [
    `ok: ${r.size} entries verified; ${r.checkpointsVerified} signed checkpoint(s) match; root ${r.root.toString('base64')}`,
  ];
  if (r.unsigned > 0) lines.push(`note: the last ${r.unsigned} entries are not yet covered by a signed checkpoint`);
  return lines.join('\n');
}

function failure(err: unknown): never {
  if (err instanceof VerificationError) {
    const at = err.entry !== undefined ? ` at entry ${err.entry}` : '';
    throw new CliError(`verification FAILED${at}: ${err.message} [${err.code}]`);
  }
  throw err;
}

export async function auditVerify(
  o: AuditCliOptions & { publicKey?: string; export?: string; trusted?: string[] },
  io: CliIO,
): Promise<number> {
  return runCommand(io, async () => {
    const trusted = (o.trusted ?? []).map((f) => readFileSync(f, 'utf8'));
    let report: VerifyReport;
    if (o.export) {
      if (!o.publicKey)
        throw new CliError('--export needs --public-key (the log’s verifier key, or a file holding it)');
      report = await verifyExport(o.export, readPublicKey(o.publicKey), trusted).catch(failure);
    } else {
      report = await withLog(o, io, async ({ log, store, cfg }) => {
        if (!o.publicKey) return log.verify({ trusted }).catch(failure);
        await log.flush();
        return verifyDatabase(store.db, {
          verifier: readPublicKey(o.publicKey),
          origin: cfg.audit.origin,
          trusted,
        }).catch(failure);
      });
    }
    io.out(
      o.json
        ? JSON.stringify({ ok: true, ...report, root: report.root.toString('base64'), latest: undefined })
        : describeReport(report),
    );
  });
}

export async function auditProof(
  o: AuditCliOptions & { entry?: string; size?: string; from?: string; to?: string },
  io: CliIO,
): Promise<number> {
  return runCommand(io, async () => {
    const entry = intArg(o.entry, '--entry');
    const size = intArg(o.size, '--size');
    const from = intArg(o.from, '--from');
    const to = intArg(o.to, '--to');
    if (entry === undefined && (from === undefined || to === undefined))
      throw new CliError('give --entry N, or --from M --to N');
    await withLog(o, io, async ({ log }) => {
      const proof =
        entry !== undefined ? await log.proofInclusion(entry, size) : await log.proofConsistency(from!, to!);
      io.out(JSON.stringify(proof, null, 2));
    });
  });
}

async function resolveRange(o: { from?: string; to?: string }, x: Opened): Promise<{ from: number; to: number }> {
  const isIndex = (s: string | undefined) => s === undefined || /^\d{1,15}$/.test(s);
  if (isIndex(o.from) && isIndex(o.to))
    return { from: intArg(o.from, '--from') ?? 0, to: intArg(o.to, '--to') ?? Number.MAX_SAFE_INTEGER };
  const ms = (s: string | undefined, dflt: number) => {
    if (s === undefined) return dflt;
    const t = Date.parse(s);
    if (Number.isNaN(t)) throw new CliError(`--from/--to must be entry numbers or ISO dates (got "${s.slice(0, 40)}")`);
    return t;
  };
  return auditSeqRangeForTime(x.store.db, ms(o.from, 0), ms(o.to, 8.64e15));
}

export async function auditExport(
  o: AuditCliOptions & { from?: string; to?: string; format?: string; out?: string },
  io: CliIO,
): Promise<number> {
  return runCommand(io, async () => {
    const format = o.format ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'csv') throw new CliError('--format must be jsonl or csv');
    await withLog(o, io, async (x) => {
      await x.log.flush();
      const range = await resolveRange(o, x);
      const fd = o.out ? openSync(o.out, 'w', 0o600) : undefined;
      let buf: string[] = [];
      const drain = () => {
        if (buf.length === 0) return;
        const text = `${buf.join('\n')}\n`;
        if (fd !== undefined) writeSync(fd, text);
        else io.out(text.slice(0, -1));
        buf = [];
      };
      try {
        const n = await writeExport(
          x.store.db,
          { ...range, format, origin: x.log.origin, publicKey: x.log.publicKey },
          (line) => {
            buf.push(line);
            if (buf.length >= 1000) drain();
          },
        );
        drain();
        if (o.out) io.err(`exported ${n} entries to ${o.out}`);
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    });
  });
}

export async function auditShow(
  n: string | undefined,
  o: AuditCliOptions & { content?: boolean },
  io: CliIO,
): Promise<number> {
  return runCommand(io, async () => {
    const index = intArg(n, 'N');
    await withLog(o, io, async ({ log }) => {
      await log.flush();
      if (index === undefined) {
        const cp = await log.latestCheckpoint();
        const summary = {
          entries: log.size,
          origin: log.origin,
          public_key: log.publicKey,
          latest_checkpoint: cp ?? null,
        };
        io.out(
          o.json
            ? JSON.stringify(summary, null, 2)
            : `entries: ${log.size}\norigin: ${log.origin}\npublic key: ${log.publicKey}\n\n${cp ?? '(no checkpoint yet)'}`,
        );
        return;
      }
      const [e] = await log.entries(index, index + 1);
      if (!e) throw new CliError(`no entry ${index} (the log has ${log.size})`);
      const out: Record<string, unknown> = { index: e.index, entry: e.entry };
      if (o.content) {
        try {
          out.content = await log.readContent(index);
        } catch (err) {
          if (!(err instanceof AuditError)) throw err;
          out.content = { unavailable: err.message };
        }
      }
      io.out(JSON.stringify(out, null, 2));
    });
  });
}

export async function auditErase(
  o: AuditCliOptions & { subject?: string; tenant?: string },
  io: CliIO,
): Promise<number> {
  return runCommand(io, async () => {
    if (!o.subject && !o.tenant) throw new CliError('give --subject ID and/or --tenant ID');
    await withLog(o, io, async ({ log }) => {
      const target = o.subject ? { subject: o.subject, tenant: o.tenant } : { tenant: o.tenant! };
      const r = await log.erase(target);
      io.out(
        o.json
          ? JSON.stringify(r)
          : `erased: ${r.keysDestroyed} data key(s) destroyed; their content is unreadable and the log still verifies`,
      );
    });
  });
}

export async function auditKeysRotate(o: AuditCliOptions & { oldKekFile?: string[] }, io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    const olds = (o.oldKekFile ?? []).map((f) => parseKek(readFileSync(f, 'utf8'), f));
    if (io.env.PORTCULLIS_AUDIT_KEK_OLD)
      olds.push(parseKek(io.env.PORTCULLIS_AUDIT_KEK_OLD, 'PORTCULLIS_AUDIT_KEK_OLD'));
    await withLog(o, io, async ({ log }) => {
      const r = await log.rotateKeys(olds);
      io.out(
        o.json
          ? JSON.stringify(r)
          : `re-wrapped ${r.rewrapped} data key(s) under the current KEK; no entry was rewritten`,
      );
    });
  });
}

export async function auditCheckpoint(o: AuditCliOptions, io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    await withLog(o, io, async ({ log }) => io.out((await log.checkpoint()).trimEnd()));
  });
}

export async function auditPublicKey(o: AuditCliOptions, io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    await withLog(o, io, async ({ log }) => io.out(log.publicKey));
  });
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `portcullis audit` */
export function registerAudit(program: Command, io: CliIO = processIO): void {
  const audit = program
    .command('audit')
    .description('the tamper-evident audit log: verify, prove, export, erase')
    .option('--data-dir <dir>', 'data folder (default $PORTCULLIS_DATA_DIR or ./.portcullis)')
    .option('--config <file>', 'config file (default $PORTCULLIS_CONFIG)')
    .option('--json', 'print JSON');
  const opts = (cmd: Command) => cmd.optsWithGlobals();
  audit
    .command('verify')
    .description(
      'recompute the tree, check every checkpoint signature and their consistency; exit 1 naming the first bad entry',
    )
    .option('--public-key <key>', 'the log’s verifier key (or a file holding it); default: this data folder’s key')
    .option('--export <file>', 'verify a jsonl export instead of the database (needs only --public-key)')
    .option('--trusted <file>', 'a checkpoint saved earlier that the log must extend (repeatable)', collect)
    .action(async (_o, cmd: Command) => void (await auditVerify(opts(cmd), io)));
  audit
    .command('proof')
    .description('inclusion proof of an entry (--entry N [--size S]) or consistency proof (--from M --to N)')
    .option('--entry <n>')
    .option('--size <n>')
    .option('--from <m>')
    .option('--to <n>')
    .action(async (_o, cmd: Command) => void (await auditProof(opts(cmd), io)));
  audit
    .command('export')
    .description('write entries [from, to) as jsonl (verifiable) or csv; from/to are entry numbers or ISO dates')
    .option('--from <x>')
    .option('--to <y>')
    .option('--format <fmt>', 'jsonl or csv', 'jsonl')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (_o, cmd: Command) => void (await auditExport(opts(cmd), io)));
  audit
    .command('show [n]')
    .description('summary of the log, or entry N (with --content: decrypted content, if not erased)')
    .option('--content', 'decrypt recorded content (needs the KEK)')
    .action(async (n: string | undefined, _o, cmd: Command) => void (await auditShow(n, opts(cmd), io)));
  audit
    .command('erase')
    .description('crypto-shred the content of a data subject or a tenant; the erasure is itself logged')
    .option('--subject <id>')
    .option('--tenant <id>')
    .action(async (_o, cmd: Command) => void (await auditErase(opts(cmd), io)));
  audit
    .command('checkpoint')
    .description('sign a checkpoint of the current tree now')
    .action(async (_o, cmd: Command) => void (await auditCheckpoint(opts(cmd), io)));
  audit
    .command('public-key')
    .description('print the verifier key auditors need')
    .action(async (_o, cmd: Command) => void (await auditPublicKey(opts(cmd), io)));
  audit
    .command('keys')
    .description('data-key management')
    .command('rotate')
    .description('re-wrap every data key under the current KEK (PORTCULLIS_AUDIT_KEK or the key file)')
    .option('--old-kek-file <file>', 'a previous KEK (repeatable); PORTCULLIS_AUDIT_KEK_OLD also works', collect)
    .action(async (_o, cmd: Command) => void (await auditKeysRotate(opts(cmd), io)));
}
