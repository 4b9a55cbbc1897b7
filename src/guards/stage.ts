import type { Exchange } from '../core/exchange.js';
import type { Finding } from '../core/findings.js';
import type { Stage } from '../core/stage.js';
import { createCanaryFilter } from './canary/filter.js';
import { canaryInstruction, generateCanaryToken } from './canary/token.js';
import { DetectorError, type InspectResult, inspectText } from './engine.js';
import { createOutputGuardFilter } from './output-guard.js';
import type { GuardPolicy, Policy } from './policy.js';
import { PlaceholderTable } from './redaction/placeholders.js';
import { createRestoreFilter, RESTORE_FILTER_NAME } from './redaction/restore.js';
import { contentBlocked, DecisionTally, detectorFailed, responseReporter, updateFindingsHeader } from './report.js';
import { collectSlots } from './slots.js';
import type { TextRole } from './types.js';

export const REQUEST_STAGE = 'inspect_request';
export const RESPONSE_STAGE = 'inspect_response';

/**
 * Guards on the request: inspects every text, records findings (`where`, never the value), blocks with
 * PCX_CONTENT_BLOCKED or replaces values by placeholders, and installs the answer filters that depend on
 * the request: the canary watch (when a canary is planted) and the restoration of placeholders, in that
 * order, so the canary sees the upstream's own text.
 */
export function createInspectRequestStage(policy: Policy): Stage {
  return async function inspectRequest(ex: Exchange, next: () => Promise<void>): Promise<void> {
    const p = policy.forTenant(ex.principal?.tenant);
    if (!p.enabled || ex.request.kind === 'none') return next();
    const slots = collectSlots(ex.request);
    const table = new PlaceholderTable(slots.map((s) => s.text));
    const tally = new DecisionTally(ex, REQUEST_STAGE);
    let blocking: Finding | undefined;
    for (const slot of slots) {
      const r = inspectSlot(slot.text, slot.role, p, table);
      r.findings.forEach((finding, i) => {
        const f: Finding = { ...finding, where: slot.where };
        ex.findings.push(f);
        tally.add(f, r.actions[i]!);
        if (finding === r.blocking && (blocking === undefined || f.score > blocking.score)) blocking = f;
      });
      if (r.redacted !== undefined) slot.set(r.redacted);
    }
    updateFindingsHeader(ex);
    if (blocking !== undefined) throw contentBlocked(blocking);
    plantCanary(ex, p);
    if (table.size > 0) ex.responseFilters.push(createRestoreFilter(table.mapping));
    await next();
  };
}

function inspectSlot(text: string, role: TextRole, p: GuardPolicy, table: PlaceholderTable): InspectResult {
  try {
    return inspectText(text, role, p, table);
  } catch (err) {
    if (err instanceof DetectorError) throw detectorFailed(err);
    throw err;
  }
}

/** Plants a fresh canary at the end of the system prompt and watches the answer for it. */
function plantCanary(ex: Exchange, p: GuardPolicy): void {
  // count_tokens has no answer to watch, and a planted line would change the count the client asked for.
  if (ex.request.kind !== 'chat' || ex.endpoint === 'count_tokens') return;
  if ((p.canary.action === 'off' && p.canary.overlapAction === 'off') || !p.output.canary) return;
  const system = ex.request.chat.system;
  if (system.length === 0 || system.every((s) => s.trim() === '')) return;
  const token = generateCanaryToken();
  // The prompt as the upstream sees it (after redaction), without the canary line itself.
  const prompt = system.join('\n');
  const filter = createCanaryFilter(p, token, prompt, responseReporter(ex, new DecisionTally(ex, RESPONSE_STAGE)));
  if (filter === undefined) return;
  system.push(canaryInstruction(token));
  ex.responseFilters.push(filter);
}

/**
 * Output guards: after the upstream answered, adds the PII/secret filter for the answer, placed before the
 * restoration filter so it judges the upstream's text (with placeholders), not the user's restored values.
 */
export function createInspectResponseStage(policy: Policy): Stage {
  return async function inspectResponse(ex: Exchange, next: () => Promise<void>): Promise<void> {
    await next();
    const p = policy.forTenant(ex.principal?.tenant);
    if (!p.enabled || ex.request.kind !== 'chat' || ex.result?.kind === 'json') return;
    const filter = createOutputGuardFilter(p, responseReporter(ex, new DecisionTally(ex, RESPONSE_STAGE)));
    if (filter === undefined) return;
    const restore = ex.responseFilters.findIndex((f) => f.name === RESTORE_FILTER_NAME);
    if (restore < 0) ex.responseFilters.push(filter);
    else ex.responseFilters.splice(restore, 0, filter);
  };
}
