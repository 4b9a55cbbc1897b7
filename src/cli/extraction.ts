import type { Command } from 'commander';
import { closeQuietly, openStore, type Store } from '../store/db.js';
import {
  type AccountStatusValue,
  accountStatesSince,
  deleteProfiles,
  profilesSince,
  setAccountState,
} from '../store/extraction.js';
import { type CliIO, DEFAULT_DATA_DIR, processIO, runCommand, table } from './admin-client.js';

/**
 * `portcullis extraction accounts list|allow|confirm|clear`: operator judgements on accounts the
 * extraction defence profiles. Works on the database directly (PostgreSQL with --database-url or
 * $PORTCULLIS_DATABASE_URL; otherwise the embedded folder, which a running embedded gateway holds
 * locked). Running gateways pick judgements up at their next sync (extraction.persist_interval_ms).
 */

interface DbOptions {
  dataDir?: string;
  databaseUrl?: string;
  json?: boolean;
  all?: boolean;
  note?: string;
  by?: string;
  tenant?: string;
}

async function open(o: DbOptions, io: CliIO): Promise<Store> {
  return openStore({
    dataDir: o.dataDir ?? io.env.PORTCULLIS_DATA_DIR ?? DEFAULT_DATA_DIR,
    databaseUrl: o.databaseUrl ?? io.env.PORTCULLIS_DATABASE_URL,
  });
}

export interface AccountListing {
  account: string;
  tenant: string | null;
  requests: number;
  score: number;
  status: AccountStatusValue;
  note: string | null;
  updated_at: string;
}

export async function extractionAccountsList(o: DbOptions, io: CliIO): Promise<number> {
  return runCommand(io, async () => {
    const store = await open(o, io);
    try {
      const byAccount = new Map<string, AccountListing>();
      // Each gateway process keeps its own row; requests add up, the score is the highest seen.
      for (const p of await profilesSince(store.db, '')) {
        const a = byAccount.get(p.account);
        if (a) {
          a.requests += p.requests;
          a.score = Math.max(a.score, p.score);
          if (p.updatedAt.toISOString() > a.updated_at) a.updated_at = p.updatedAt.toISOString();
        } else {
          byAccount.set(p.account, {
            account: p.account,
            tenant: p.tenant,
            requests: p.requests,
            score: p.score,
            status: 'normal',
            note: null,
            updated_at: p.updatedAt.toISOString(),
          });
        }
      }
      for (const s of await accountStatesSince(store.db)) {
        const a = byAccount.get(s.account) ?? {
          account: s.account,
          tenant: s.tenant,
          requests: 0,
          score: 0,
          status: s.status,
          note: s.note,
          updated_at: s.updatedAt.toISOString(),
        };
        a.status = s.status;
        a.note = s.note;
        byAccount.set(s.account, a);
      }
      const threshold = 0.5;
      const list = [...byAccount.values()]
        .filter((a) => o.all || a.score >= threshold || a.status !== 'normal')
        .sort((x, y) => y.score - x.score);
      if (o.json) return io.out(JSON.stringify(list, null, 2));
      if (list.length === 0)
        return io.out(
          o.all ? 'No profiled accounts.' : 'No flagged or judged accounts (use --all to list every account).',
        );
      io.out(
        table(
          ['ACCOUNT', 'TENANT', 'REQUESTS', 'SCORE', 'STATUS', 'NOTE'],
          list.map((a) => [a.account, a.tenant, String(a.requests), a.score.toFixed(3), a.status, a.note]),
        ),
      );
    } finally {
      await closeQuietly(store);
    }
  });
}

export async function extractionAccountsJudge(
  account: string,
  status: AccountStatusValue,
  o: DbOptions,
  io: CliIO,
): Promise<number> {
  return runCommand(io, async () => {
    if (account.length === 0 || account.length > 512) throw new Error('an account id is 1 to 512 characters');
    const store = await open(o, io);
    try {
      if (status === 'cleared') await deleteProfiles(store.db, account);
      await setAccountState(store.db, {
        account,
        tenant: o.tenant ?? null,
        status,
        note: o.note ?? null,
        updatedBy: o.by ?? io.env.USER ?? null,
      });
      const what = {
        allowed: 'allow-listed (never acted on)',
        confirmed: 'confirmed (blocked)',
        cleared: 'cleared (evidence forgotten)',
        normal: 'reset',
      }[status];
      io.out(o.json ? JSON.stringify({ account, status }) : `Account ${account} ${what}.`);
    } finally {
      await closeQuietly(store);
    }
  });
}

/** `portcullis extraction` */
export function registerExtraction(program: Command, io: CliIO = processIO): void {
  const ext = program
    .command('extraction')
    .description('model-extraction defence: flagged accounts and operator judgements');
  const accounts = ext
    .command('accounts')
    .description('list flagged accounts; allow-list, confirm or clear one')
    .option('--data-dir <dir>', 'data folder of the embedded database')
    .option('--database-url <url>', 'PostgreSQL URL (default $PORTCULLIS_DATABASE_URL)');
  accounts
    .command('list')
    .description('flagged and judged accounts, highest score first')
    .option('--all', 'every profiled account')
    .option('--json', 'print JSON')
    .action(async (_o, cmd: Command) => {
      await extractionAccountsList(cmd.optsWithGlobals(), io);
    });
  for (const [name, status, help] of [
    ['allow', 'allowed', 'allow-list an account: never throttled, degraded or blocked (still profiled)'],
    ['confirm', 'confirmed', 'confirm an account as extraction: blocked'],
    ['clear', 'cleared', 'clear an account after review: its evidence is forgotten'],
  ] as const) {
    accounts
      .command(`${name} <account>`)
      .description(help)
      .option('--note <text>', 'why (recorded)')
      .option('--by <name>', 'who (recorded; default $USER)')
      .option('--tenant <id>', 'the tenant of the account')
      .option('--json', 'print JSON')
      .action(async (account: string, _o, cmd: Command) => {
        await extractionAccountsJudge(account, status, cmd.optsWithGlobals(), io);
      });
  }
}
