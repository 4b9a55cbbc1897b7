import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function readDoc(name: string): string {
  return readFileSync(join(ROOT, 'docs', name), 'utf8');
}

export interface FencedBlock {
  lang: string;
  body: string;
  /** 1-based line of the opening fence, for error messages. */
  line: number;
}

/** Fenced code blocks of a Markdown text, in order. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const out: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`unclosed code fence at line ${start + 1}`);
    out.push({ lang: open[1] ?? '', body: `${body.join('\n')}\n`, line: start + 1 });
  }
  return out;
}

/** Every `code span` of a Markdown text (inside tables and prose alike). */
export function codeSpans(markdown: string): Set<string> {
  const spans = new Set<string>();
  for (const m of markdown.matchAll(/`([^`\n]+)`/g)) spans.add(m[1]!);
  return spans;
}

/** Rows of every Markdown table whose header row starts with `firstHeader`, as arrays of trimmed cells. */
export function tableRows(markdown: string, firstHeader: string): string[][] {
  const lines = markdown.split('\n');
  const rows: string[][] = [];
  let tables = 0;
  for (let head = 0; head < lines.length; head++) {
    if (!lines[head]!.startsWith(`| ${firstHeader} |`)) continue;
    tables++;
    let i = head + 2;
    for (; i < lines.length && lines[i]!.startsWith('|'); i++) {
      rows.push(
        lines[i]!.slice(1, -1)
          .split(' | ')
          .map((c) => c.trim()),
      );
    }
    head = i;
  }
  if (tables === 0) throw new Error(`no table starting with column "${firstHeader}"`);
  return rows;
}
