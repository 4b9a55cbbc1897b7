import { describe, expect, it } from 'vitest';
import { secretRules, secretsDetectors } from '../../../src/guards/secrets/index.js';
import { ruleDetector } from '../../../src/guards/secrets/rule.js';
import type { Detector } from '../../../src/guards/types.js';
import { a, crcToken, SAMPLES } from './samples.js';

const byName = new Map<string, Detector>(secretsDetectors.map((d) => [d.name, d]));

function spans(d: Detector, text: string): string[] {
  return d.detect(text, { role: 'user' }).map((f) => text.slice(f.start, f.end));
}

describe('secret rules', () => {
  it('has at least 80 rules with unique ids and a sample for every one', () => {
    expect(secretRules.length).toBeGreaterThanOrEqual(80);
    const ids = secretRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const sampled = new Set(SAMPLES.map(([id]) => id));
    expect(ids.filter((id) => !sampled.has(id))).toEqual([]);
  });

  it.each(SAMPLES)('%s finds its sample with the exact span', (id, text, secret) => {
    const d = byName.get(`secret.${id}`)!;
    expect(d).toBeDefined();
    expect(spans(d, text)).toEqual([secret]);
    const [f] = d.detect(text, { role: 'user' });
    expect(f!.category).toBe('secret');
    expect(f!.start).toBe(text.indexOf(secret));
  });

  it.each(SAMPLES)('%s keeps exact UTF-16 offsets after an emoji', (id, text, secret) => {
    const d = byName.get(`secret.${id}`)!;
    const shifted = `🔑 ${text}`;
    const [f] = d.detect(shifted, { role: 'user' });
    expect(f!.start).toBe(3 + text.indexOf(secret));
    expect(shifted.slice(f!.start, f!.end)).toBe(secret);
  });

  it.each(SAMPLES)('%s rejects its sample cut short by a third', (id, text, secret) => {
    const d = byName.get(`secret.${id}`)!;
    const cut = secret.slice(0, Math.floor(secret.length * (2 / 3)));
    // The cut token may still be a valid token of a shorter form; it must never be reported with the full span.
    expect(spans(d, text.replace(secret, cut))).not.toContain(secret);
  });

  it('never builds a rule detector without the secret. prefix and category', () => {
    for (const r of secretRules) {
      const d = ruleDetector(r);
      expect(d.name).toBe(`secret.${r.id}`);
      expect(d.category).toBe('secret');
    }
  });
});

describe('hard negatives', () => {
  const all = (text: string): string[] =>
    secretsDetectors.flatMap((d) =>
      d.detect(text, { role: 'user' }).map((f) => `${f.detector}:${text.slice(f.start, f.end)}`),
    );

  it('ignores the AWS documentation example keys', () => {
    expect(
      all('aws_access_key_id=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
    ).toEqual([]);
  });
  it('ignores placeholders and masked keys', () => {
    expect(all('OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')).toEqual([]);
    expect(all('token: ghp_************************************ and <your-api-key>')).toEqual([]);
    expect(all('GITHUB_TOKEN=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toEqual([]);
  });
  it('ignores UUIDs, git SHAs, hashes and base64 images', () => {
    expect(all('request 123e4567-e89b-42d3-a456-426614174000 commit 3f786850e387550fdab836ed7e6dc881de23001b')).toEqual(
      [],
    );
    expect(all('sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toEqual([]);
    expect(all(`<img src="data:image/png;base64,${a(200, 5)}">`)).toEqual([]);
  });
  it('ignores secret names assigned to references, types or words', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} template is the input under test
    expect(all('password = os.environ["DB_PASSWORD"]\napi_key: str\ntoken = getToken()\nsecret: ${SECRET}')).toEqual(
      [],
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} template is the input under test
    expect(all('postgres://user:${DB_PASS}@db/prod and mysql://root:password@localhost/db')).toEqual([]);
  });
  it('reports a GitHub token with a valid CRC-32 higher than one without', () => {
    const d = byName.get('secret.github_pat')!;
    const good = crcToken('ghp_', 3);
    const bad = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    expect(d.detect(good, { role: 'user' })[0]!.score).toBe(1);
    expect(d.detect(bad, { role: 'user' })[0]!.score).toBeLessThan(1);
  });
});
