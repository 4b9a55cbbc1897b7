/**
 * Cross-account linking. Accounts that share a template skeleton (exact prefix/suffix hashes they
 * each used at least twice) or a client fingerprint (User-Agent within one network range) are joined
 * with union-find; each group's evidence is the sum of its members', scored like one account. Memory
 * is bounded: the token tables forget their oldest entries beyond a cap, and evidence is kept per
 * group root only.
 */
import { addEvidence, type Evidence, emptyEvidence } from './evidence.js';
import { combine, fnv1a, hex } from './hash.js';
import type { SharedTemplates } from './profile.js';

export const MAX_TOKENS = 200_000;
/** Contents a shared hash must be seen with before it counts as a template (slots filled differently). */
const MIN_VARIANTS = 8;

export type LinkKind = 'template' | 'fingerprint';

enum Tag {
  Template = 1,
  Fingerprint = 2,
}

/** Forgets the oldest insertion once full; Map keeps insertion order, so this is O(1). */
function boundedSet<K, V>(m: Map<K, V>, k: K, v: V, cap: number): void {
  if (m.size >= cap && !m.has(k)) {
    const oldest = m.keys().next();
    if (!oldest.done) m.delete(oldest.value);
  }
  m.set(k, v);
}

export class ClusterIndex implements SharedTemplates {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly parent: number[] = [];
  private readonly size: number[] = [];
  private readonly links: number[] = [];
  private readonly evidence = new Map<number, Evidence>();
  /** Members of each group with more than one account, kept at the root (merged small into large). */
  private readonly members = new Map<number, number[]>();
  /** Roots whose group has already been found flagged (members re-judged once). */
  private readonly flagged = new Set<number>();
  /** template hash → accounts using it, distinct contents seen with it, the last content. */
  private readonly templateAccounts = new Map<number, { accounts: number; contents: number[] }>();
  /** link token → first account that emitted it. */
  private readonly owners = new Map<number, number>();

  /**
   * `evidenceOf` gives an account's own evidence: a group of one is just its account, so its sum is
   * not kept separately (most accounts are alone, and copying their evidence per request costs).
   */
  constructor(
    private readonly evidenceOf: (account: string) => Evidence | undefined,
    private readonly maxTokens = MAX_TOKENS,
  ) {}

  accounts(h: number): number {
    const t = this.templateAccounts.get(h);
    return t === undefined || t.contents.length < MIN_VARIANTS ? 0 : t.accounts;
  }

  use(h: number, exact: number, newAccount: boolean): void {
    let t = this.templateAccounts.get(h);
    if (t === undefined) {
      t = { accounts: 0, contents: [exact] };
      boundedSet(this.templateAccounts, h, t, this.maxTokens);
    } else if (t.contents.length < MIN_VARIANTS && !t.contents.includes(exact)) {
      t.contents.push(exact);
    }
    if (newAccount) t.accounts++;
  }

  idOf(account: string): number {
    let id = this.ids.get(account);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(account, id);
      this.names.push(account);
      this.parent.push(id);
      this.size.push(1);
      this.links.push(0);
    }
    return id;
  }

  find(id: number): number {
    let r = id;
    while (this.parent[r] !== r) r = this.parent[r]!;
    // Path compression keeps later finds near O(1).
    let x = id;
    while (this.parent[x] !== r) {
      const next = this.parent[x]!;
      this.parent[x] = r;
      x = next;
    }
    return r;
  }

  private union(a: number, b: number, tag: Tag): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) {
      this.links[ra]! |= tag;
      return;
    }
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    const agg = this.size[ra] === 1 ? copyEvidence(this.ownEvidence(ra)) : this.rootEvidence(ra);
    addEvidence(agg, this.size[rb] === 1 ? this.ownEvidence(rb) : this.rootEvidence(rb));
    this.evidence.set(ra, agg);
    this.evidence.delete(rb);
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    this.links[ra]! |= this.links[rb]! | tag;
    const ma = this.members.get(ra) ?? [ra];
    const mb = this.members.get(rb) ?? [rb];
    for (const m of mb) ma.push(m);
    this.members.set(ra, ma);
    this.members.delete(rb);
    if (this.flagged.delete(rb)) this.flagged.add(ra);
  }

  private ownEvidence(id: number): Evidence {
    return this.evidenceOf(this.names[id]!) ?? emptyEvidence();
  }

  private rootEvidence(root: number): Evidence {
    let e = this.evidence.get(root);
    if (!e) {
      e = emptyEvidence();
      this.evidence.set(root, e);
    }
    return e;
  }

  private linkToken(id: number, token: number, tag: Tag): void {
    const owner = this.owners.get(token);
    if (owner === undefined) boundedSet(this.owners, token, id, this.maxTokens);
    else if (owner !== id) this.union(owner, id, tag);
  }

  /** Records the link tokens of one request (after its account's evidence was updated). */
  link(id: number, templateTokens: readonly number[], userAgent: number, network: number): void {
    for (const t of templateTokens) this.linkToken(id, combine(t, 0x7e3a), Tag.Template);
    if (userAgent !== 0 && network !== 0) this.linkToken(id, combine(userAgent, network), Tag.Fingerprint);
  }

  /**
   * Adds a change of a member's evidence (`after` minus `before`) to its group's sum. Only needed
   * for accounts already in a group before the change; a group formed by the change starts from the
   * members' current evidence.
   */
  applyDelta(id: number, before: Evidence, after: Evidence): void {
    const r = this.find(id);
    if (this.size[r] === 1) return;
    addEvidence(this.rootEvidence(r), diff(after, before));
  }

  groupSize(id: number): number {
    return this.size[this.find(id)]!;
  }

  groupEvidence(id: number): Evidence {
    const r = this.find(id);
    return this.size[r] === 1 ? this.ownEvidence(r) : this.rootEvidence(r);
  }

  linkKinds(id: number): LinkKind[] {
    const l = this.links[this.find(id)]!;
    const out: LinkKind[] = [];
    if (l & Tag.Template) out.push('template');
    if (l & Tag.Fingerprint) out.push('fingerprint');
    return out;
  }

  membersOf(id: number): readonly number[] {
    const r = this.find(id);
    return this.members.get(r) ?? [r];
  }

  nameOf(id: number): string {
    return this.names[id]!;
  }

  /** Marks an account's group as flagged; true the first time (the caller then re-judges its members). */
  markFlagged(id: number): boolean {
    const r = this.find(id);
    if (this.flagged.has(r)) return false;
    this.flagged.add(r);
    return true;
  }

  /** A stable name for an account's group: derived from the root account's id. */
  groupId(id: number): string {
    return `c${hex(fnv1a(this.names[this.find(id)]!))}`;
  }
}

function diff(after: Evidence, before: Evidence): Evidence {
  const d = emptyEvidence();
  for (const k of Object.keys(d) as (keyof Evidence)[]) {
    if (k === 'sweepCategories') continue;
    (d[k] as number) = (after[k] as number) - (before[k] as number);
  }
  d.firstTs = after.firstTs;
  d.lastTs = after.lastTs;
  for (let i = 0; i < d.sweepCategories.length; i++)
    d.sweepCategories[i] = after.sweepCategories[i]! - before.sweepCategories[i]!;
  return d;
}

export function copyEvidence(e: Evidence): Evidence {
  return { ...e, sweepCategories: e.sweepCategories.slice() };
}
