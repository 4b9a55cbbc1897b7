/**
 * Wiring of the extraction defence for the gateway: the engine, the shape stage, the recorder, the
 * operator's account admin, alerts, and (with a store) persistence and sharing between processes.
 * Everything slow (SQL, webhooks) runs off the request path, batched on a timer.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { ExtractionConfig } from '../config/extraction.js';
import type { ChatRequest } from '../core/chat.js';
import type { Exchange } from '../core/exchange.js';
import type { Action } from '../core/findings.js';
import type { Stage } from '../core/stage.js';
import {
  type AccountStatusValue,
  accountStatesSince,
  type DecisionRow,
  decisionsOf,
  deleteProfiles,
  profilesSince,
  recordDecisions,
  saveProfiles,
  setAccountState,
} from '../store/extraction.js';
import type { Database } from '../store/schema/index.js';
import { type AccountStatus, ExtractionEngine, type Verdict } from './engine.js';
import { addEvidence, type Evidence, evidenceFrom } from './evidence.js';
import type { HashKey } from './hash.js';
import { resolveHashKey } from './hashkey.js';
import { deleteKeyStates, keyStatesSince, saveKeyStates } from './keywatch/store.js';
import { accountOf, createShapeStage, Throttle } from './stage.js';

export interface AccountAdmin {
  /** Flagged accounts and those an operator has judged, highest score first; `all` lists every account. */
  list(opts?: { all?: boolean }): Verdict[];
  get(account: string): Verdict | undefined;
  /** Never act on this account again (it is still profiled). */
  allow(account: string, opts?: AdminNote): Promise<Verdict>;
  /** Confirmed extraction: blocked from now on. */
  confirm(account: string, opts?: AdminNote): Promise<Verdict>;
  /** Reviewed and benign for now: its evidence is forgotten and it starts again from nothing. */
  clear(account: string, opts?: AdminNote): Promise<Verdict>;
  /** The account's recorded escalations, newest first (needs a store). */
  decisions(account: string, limit?: number): Promise<DecisionRow[]>;
}

export interface AdminNote {
  note?: string;
  by?: string;
  tenant?: string;
}

export interface ExtractionDefence {
  shapeStage: Stage;
  recorder: (ex: Exchange) => void;
  accounts: AccountAdmin;
  engine: ExtractionEngine;
  /** Settles when the persisted state has been loaded (immediately without a store). */
  ready: Promise<void>;
  /** Writes pending profiles and decisions, and reads other processes' changes, now. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface DefenceOptions {
  config: ExtractionConfig;
  store?: { db: Kysely<Database> };
  now?: () => number;
  /** This process's name in the shared tables; unique per process by default. */
  node?: string;
  /** Reports background failures (store, webhook); they never reach a request. */
  onError?: (err: unknown, what: string) => void;
  /** For tests: the HTTP client used for the alert webhook. */
  fetch?: typeof fetch;
  /** The data directory: where the hash key is kept when neither environment nor config sets one. */
  dataDir?: string;
  /** The hash key itself (tests); overrides everything else. */
  hashKey?: HashKey;
}

const ALERT_LEVELS: ReadonlySet<Action> = new Set(['alert', 'throttle', 'degrade', 'block']);
/** Re-reading a little before the last sync tolerates clock skew between processes. */
const SYNC_OVERLAP_MS = 5000;

export function createExtractionDefence(opts: DefenceOptions): ExtractionDefence {
  const { config } = opts;
  const now = opts.now ?? Date.now;
  const db = opts.store?.db;
  const node = opts.node ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const report = opts.onError ?? (() => {});
  const doFetch = opts.fetch ?? globalThis.fetch;
  const tenants = new Map<string, string>();
  const pendingDecisions: DecisionRow[] = [];
  const originals = new WeakMap<Exchange, ChatRequest>();
  const remoteByNode = new Map<string, Map<string, Evidence>>();
  const appliedStates = new Map<string, number>();
  let lastSync: Date | undefined;

  const hashKey = opts.hashKey ?? resolveHashKey(config.hash_key, opts.dataDir).key;
  const engine = new ExtractionEngine(config, {
    hashKey,
    onEscalate: (v, previous) => {
      const tenant = tenants.get(v.account) ?? null;
      if (db)
        pendingDecisions.push({
          account: v.account,
          tenant,
          action: v.action,
          previous,
          score: v.score,
          reasons: v.reasons,
          cluster: v.cluster,
          createdAt: new Date(now()),
        });
      if (ALERT_LEVELS.has(v.action) && !ALERT_LEVELS.has(previous)) alert(v, previous, tenant);
    },
    onKeyFlagged: (v, key, previous) => {
      const tenant = tenants.get(v.account) ?? null;
      if (db)
        pendingDecisions.push({
          account: v.account,
          tenant,
          action: config.key_watch.action,
          previous,
          score: v.score,
          reasons: ['possible_stolen_key', ...v.reasons],
          cluster: v.cluster,
          createdAt: new Date(now()),
        });
      stolenKeyAlert(v, key, previous, tenant);
    },
  });
  const throttle = new Throttle(config.throttle.requests_per_minute);

  /** The webhook URL comes only from the config (never from a request), and the body holds no prompt text. */
  function alert(v: Verdict, previous: Action, tenant: string | null): void {
    const url = config.alert.webhook_url;
    if (!url) return;
    const body = JSON.stringify({
      type: 'portcullis.extraction.flagged',
      account: v.account,
      tenant,
      action: v.action,
      previous,
      score: v.score,
      reasons: v.reasons,
      cluster: v.cluster,
      requests: v.requests,
      at: new Date(now()).toISOString(),
    });
    postAlert(url, body);
  }

  /** Sends one alert to the configured webhook; failures are reported, never thrown at a request. */
  function postAlert(url: string, body: string): void {
    doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(config.alert.timeout_ms),
    })
      .then((r) => {
        if (!r.ok) report(new Error(`alert webhook answered ${r.status}`), 'alert');
      })
      .catch((err) => report(err, 'alert'));
  }

  /**
   * "Possible stolen key": the evidence (which sub-stream, its share, since when) and the action the
   * operator can take. Like the other alert, hashes and counts only, never prompt text.
   */
  function stolenKeyAlert(v: Verdict, key: string | undefined, previous: Action, tenant: string | null): void {
    const url = config.alert.webhook_url;
    if (!url || !v.substream) return;
    const body = JSON.stringify({
      type: 'portcullis.key.possibly_stolen',
      account: v.account,
      tenant,
      key: key ?? null,
      response: config.key_watch.action,
      action: v.action,
      previous,
      share: v.share,
      substream: v.substream,
      reasons: v.reasons,
      requests: v.requests,
      rotate: key ? { method: 'POST', path: `/admin/v1/keys/${encodeURIComponent(key)}/rotate` } : null,
      at: new Date(now()).toISOString(),
    });
    postAlert(url, body);
  }

  const shapeStage = createShapeStage({ config, engine, throttle, now, remember: (ex, c) => originals.set(ex, c) });

  function recorder(ex: Exchange): void {
    if (!config.enabled || ex.principal === undefined || ex.request.kind !== 'chat') return;
    const account = accountOf(ex.principal, config.account_by);
    if (!tenants.has(account)) tenants.set(account, ex.principal.tenant);
    const chat = originals.get(ex) ?? ex.request.chat;
    const r = ex.result;
    engine.observe(
      {
        ts: ex.receivedAt,
        account,
        key: ex.principal.keyId,
        ip: ex.client.ip,
        userAgent: ex.client.userAgent,
        request: chat,
        response: {
          status: ex.status ?? ex.error?.status,
          outputTokens: ex.usage?.outputTokens,
          finishReason: r?.kind === 'chat' ? r.response.finishReason : undefined,
        },
      },
      ex.principal.tenant,
    );
  }

  function sumRemote(account: string): Evidence | undefined {
    const byNode = remoteByNode.get(account);
    if (!byNode || byNode.size === 0) return undefined;
    let sum: Evidence | undefined;
    for (const e of byNode.values()) {
      if (!sum) sum = evidenceFrom(e);
      else addEvidence(sum, e);
    }
    return sum;
  }

  /** `periodic`: the timer's sync, which writes a key's watch only when due (see `takeDirty`). */
  async function sync(periodic = false): Promise<void> {
    if (!db) return;
    const started = new Date(now());
    const dirty = engine.takeDirty();
    await saveProfiles(
      db,
      dirty.map((d) => ({
        account: d.account,
        node,
        tenant: tenants.get(d.account) ?? null,
        profile: d.profile.toJSON(),
        requests: d.profile.evidence.n,
        score: d.profile.maxScore,
      })),
      started,
    );
    await recordDecisions(db, pendingDecisions.splice(0));
    const since = lastSync ? new Date(lastSync.getTime() - SYNC_OVERLAP_MS) : undefined;
    // Key watch: this process's changed keys out; at start every key in (a restart finds its keys
    // again), then the other processes' changes (a key flagged elsewhere is flagged here too).
    await saveKeyStates(db, node, engine.takeDirtyKeys(!periodic), started);
    for (const row of await keyStatesSince(db, since ? { exceptNode: node, since } : {}))
      engine.loadKey(row.account, row.id, row.state, tenants.get(row.account));
    for (const row of await profilesSince(db, node, since)) {
      const ev = evidenceFrom((row.profile as { evidence?: unknown } | null)?.evidence);
      let byNode = remoteByNode.get(row.account);
      if (!byNode) {
        byNode = new Map();
        remoteByNode.set(row.account, byNode);
      }
      byNode.set(row.node, ev);
      if (row.tenant) tenants.set(row.account, row.tenant);
      engine.setRemoteEvidence(row.account, sumRemote(row.account), row.tenant ?? undefined);
    }
    for (const s of await accountStatesSince(db, since)) {
      const t = s.updatedAt.getTime();
      if (appliedStates.get(s.account) === t) continue;
      appliedStates.set(s.account, t);
      if (s.status === 'cleared') remoteByNode.delete(s.account);
      engine.setStatus(s.account, s.status, s.tenant ?? undefined);
    }
    lastSync = started;
  }

  let syncing: Promise<void> = Promise.resolve();
  const runSync = (periodic = false): Promise<void> => {
    syncing = syncing.then(() => sync(periodic)).catch((err) => report(err, 'store'));
    return syncing;
  };
  const ready = db ? runSync() : Promise.resolve();
  const timer = db ? setInterval(() => runSync(true), config.persist_interval_ms) : undefined;
  timer?.unref();

  async function judge(account: string, status: AccountStatusValue, o: AdminNote = {}): Promise<Verdict> {
    const tenant = o.tenant ?? tenants.get(account);
    if (db) {
      if (status === 'cleared') {
        await deleteProfiles(db, account);
        await deleteKeyStates(db, account);
      }
      const at = new Date(now());
      await setAccountState(
        db,
        { account, tenant: tenant ?? null, status, note: o.note ?? null, updatedBy: o.by ?? null },
        at,
      );
      appliedStates.set(account, at.getTime());
    }
    if (status === 'cleared') {
      remoteByNode.delete(account);
      throttle.forget(account);
    }
    return engine.setStatus(account, status as AccountStatus, tenant);
  }

  const accounts: AccountAdmin = {
    list: (o) => (o?.all ? engine.list(() => true) : engine.list()),
    get: (a) => engine.verdict(a),
    allow: (a, o) => judge(a, 'allowed', o),
    confirm: (a, o) => judge(a, 'confirmed', o),
    clear: (a, o) => judge(a, 'cleared', o),
    decisions: async (a, limit) => (db ? decisionsOf(db, a, limit) : []),
  };

  return {
    shapeStage,
    recorder,
    accounts,
    engine,
    ready,
    sync: () => runSync(),
    async close() {
      if (timer) clearInterval(timer);
      await runSync();
    },
  };
}
