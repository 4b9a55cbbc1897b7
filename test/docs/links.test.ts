/**
 * The pages this folder keeps honest link to files and headings that exist, and the README's config
 * sample is a valid config (README.md belongs to the gateway owner; this only reads it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { fencedBlocks, ROOT } from './helpers.js';

const PAGES = ['docs/configuration.md', 'docs/api.md', 'docs/security.md', 'README.md'];

/** GitHub's heading anchor: lower case, punctuation other than `-` and `_` removed, spaces to `-`. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const m = !inFence && /^#{1,6} (.+)$/.exec(line);
    if (m) out.add(slug(m[1]!));
  }
  return out;
}

describe('links', () => {
  it('slug follows GitHub', () => {
    expect(slug('What the gateway changes in a request')).toBe('what-the-gateway-changes-in-a-request');
    expect(slug('Checking a file: `portcullis config check`')).toBe('checking-a-file-portcullis-config-check');
    expect(slug('`limits`')).toBe('limits');
  });

  for (const page of PAGES) {
    it(`${page}: every relative link points to an existing file and heading`, () => {
      const text = readFileSync(join(ROOT, page), 'utf8');
      const broken: string[] = [];
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue; // http(s), mailto
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const path = file === '' ? join(ROOT, page) : join(ROOT, dirname(page), file);
        if (!existsSync(path)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (anchor !== undefined && path.endsWith('.md') && !anchors(readFileSync(path, 'utf8')).has(anchor)) {
          broken.push(`${target}: no such heading`);
        }
      }
      expect(broken).toEqual([]);
    });
  }

  it("README's YAML samples are valid configs", () => {
    const yaml = fencedBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8')).filter((b) => b.lang === 'yaml');
    expect(yaml.length).toBeGreaterThanOrEqual(1);
    for (const b of yaml) expect(() => parseConfigText(b.body, `README.md:${b.line}`)).not.toThrow();
  });
});
