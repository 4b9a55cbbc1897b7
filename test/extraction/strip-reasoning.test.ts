import { describe, expect, it } from 'vitest';
import { stripReasoning } from '../../src/extraction/stage.js';

describe('extraction.strip_reasoning filter', () => {
  it('drops the reasoning of the first choice and of every later choice', () => {
    expect(stripReasoning.push('reasoning', 'step 1: think')).toBe('');
    expect(stripReasoning.push('reasoning@1', 'step 1: think')).toBe('');
    expect(stripReasoning.push('reasoning@12', 'x')).toBe('');
  });

  it('keeps answer text and tool arguments, whatever the choice', () => {
    expect(stripReasoning.push('text', 'the answer')).toBe('the answer');
    expect(stripReasoning.push('text@1', 'another answer')).toBe('another answer');
    expect(stripReasoning.push('tool:0@1', '{"a":1}')).toBe('{"a":1}');
    expect(stripReasoning.push('reasoningish', 'kept')).toBe('kept');
  });
});
