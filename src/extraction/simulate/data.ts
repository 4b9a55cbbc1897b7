/**
 * The prompt sets the simulator draws from (../shared/data/traffic, see its README). Read once per
 * run; a missing or unreadable file is a clear error naming the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export class SimulationDataError extends Error {
  readonly code = 'EXTRACTION_SIM_DATA';
}

export interface PromptData {
  /** Arena-hard prompts with their topic cluster. */
  arena: Array<{ prompt: string; cluster: string }>;
  mtBench: Array<{ category: string; turns: string[] }>;
  /** Self-instruct user-oriented: instruction and an example input. */
  selfInstruct: Array<{ instruction: string; input: string }>;
  gsm8k: string[];
  codeAlpaca: Array<{ instruction: string; input: string }>;
  seedTasks: Array<{ instruction: string; input: string; output: string }>;
  generatorPrompt: string;
}

function read(dir: string, name: string): string {
  const p = join(dir, 'traffic', name);
  try {
    return readFileSync(p, 'utf8');
  } catch (err) {
    throw new SimulationDataError(
      `cannot read ${p} (${(err as Error).message}); pass --data <folder holding traffic/>`,
    );
  }
}

function jsonl(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) if (line.trim()) out.push(JSON.parse(line) as Record<string, unknown>);
  return out;
}

const s = (v: unknown): string => (typeof v === 'string' ? v : '');

function firstInstance(v: unknown): { input: string; output: string } {
  const i = Array.isArray(v) ? (v[0] as Record<string, unknown> | undefined) : undefined;
  return { input: s(i?.input), output: s(i?.output) };
}

export function loadPromptData(dataDir: string): PromptData {
  return {
    arena: jsonl(read(dataDir, 'arena-hard-v0.1.questions.jsonl')).map((r) => ({
      prompt: s(r.prompt),
      cluster: s(r.cluster),
    })),
    mtBench: jsonl(read(dataDir, 'mt-bench.questions.jsonl')).map((r) => ({
      category: s(r.category),
      turns: Array.isArray(r.turns) ? r.turns.map(s) : [],
    })),
    selfInstruct: jsonl(read(dataDir, 'self-instruct.user-oriented.jsonl')).map((r) => ({
      instruction: s(r.instruction),
      input: firstInstance(r.instances).input,
    })),
    gsm8k: jsonl(read(dataDir, 'gsm8k.train.jsonl')).map((r) => s(r.question)),
    codeAlpaca: (JSON.parse(read(dataDir, 'code-alpaca-2k.json')) as Array<Record<string, unknown>>).map((r) => ({
      instruction: s(r.instruction),
      input: s(r.input),
    })),
    seedTasks: jsonl(read(dataDir, 'alpaca.seed-tasks.jsonl')).map((r) => ({
      instruction: s(r.instruction),
      ...firstInstance(r.instances),
    })),
    generatorPrompt: read(dataDir, 'alpaca.generator-prompt.txt'),
  };
}
