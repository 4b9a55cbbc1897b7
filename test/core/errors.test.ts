import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, PortcullisError } from '../../src/core/errors.js';

describe('error catalogue', () => {
  const entries = Object.entries(ERROR_CATALOGUE);

  it('every code is PCX_ upper snake case with a valid HTTP error status', () => {
    for (const [code, spec] of entries) {
      expect(code).toMatch(/^PCX_[A-Z][A-Z_]*[A-Z]$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
    }
  });

  it('wire codes are unique snake case strings', () => {
    const wires = entries.map(([, s]) => s.wire);
    expect(new Set(wires).size).toBe(wires.length);
    for (const w of wires) expect(w).toMatch(/^[a-z][a-z_]*[a-z]$/);
  });

  it('4xx statuses map to client error types, 5xx to server types', () => {
    for (const [, spec] of entries) {
      if (spec.status >= 500) expect(['server_error', 'api_error']).toContain(spec.openai);
      else expect(['server_error', 'api_error']).not.toContain(spec.openai);
    }
  });

  it('the issue-mandated statuses hold', () => {
    expect(ERROR_CATALOGUE.PCX_BODY_TOO_LARGE.status).toBe(413);
    expect(ERROR_CATALOGUE.PCX_MODEL_NOT_FOUND.status).toBe(404);
    expect(ERROR_CATALOGUE.PCX_KEY_INVALID.status).toBe(401);
    expect(ERROR_CATALOGUE.PCX_MODEL_NOT_ALLOWED.status).toBe(403);
    expect(ERROR_CATALOGUE.PCX_UPSTREAM_UNREACHABLE.status).toBe(502);
    expect(ERROR_CATALOGUE.PCX_UPSTREAM_TIMEOUT.status).toBe(504);
    expect(ERROR_CATALOGUE.PCX_CONTENT_BLOCKED.wire).toBe('content_blocked');
  });

  it('an instance carries code, status and the upstream status override', () => {
    const e = new PortcullisError('PCX_UPSTREAM_ERROR', 'boom', { status: 429, retryAfter: 3 });
    expect(e.code).toBe('PCX_UPSTREAM_ERROR');
    expect(e.status).toBe(429);
    expect(e.retryAfter).toBe(3);
    expect(new PortcullisError('PCX_KEY_MISSING', 'x').status).toBe(401);
  });
});
