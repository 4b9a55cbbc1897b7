/** The fake upstream is shared by other tests and the benchmarks, so its own behaviour is checked here. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openai.js';

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test': 'yes' },
    body: JSON.stringify(body),
  });
}

describe('startFakeOpenAI', () => {
  it('echoes the last user message, records the request and lists a model', async () => {
    fake.setBehaviour({});
    const r = await post('/chat/completions', {
      model: 'm',
      messages: [
        { role: 'user', content: 'first' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'second ' },
            { type: 'text', text: 'one' },
          ],
        },
      ],
    });
    const json = (await r.json()) as {
      choices: Array<{ message: { content: string } }>;
      usage: Record<string, number>;
    };
    expect(json.choices[0]!.message.content).toBe('second one');
    expect(json.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    const rec = fake.requests.at(-1)!;
    expect(rec.path).toBe('/v1/chat/completions');
    expect(rec.headers['x-test']).toBe('yes');
    expect((rec.body as { model: string }).model).toBe('m');
    const models = (await (await fetch(`${fake.url}/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data[0]!.id).toBe('fake-model');
  });

  it('streams a realistic answer of the asked size in the asked number of chunks, usage only when asked', async () => {
    fake.setBehaviour({ answerBytes: 1024, chunks: 64 });
    const text = await (
      await post('/chat/completions', { model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] })
    ).text();
    const datas = text
      .split('\n\n')
      .filter((f) => f.startsWith('data: '))
      .map((f) => f.slice(6));
    expect(datas.at(-1)).toBe('[DONE]');
    const chunks = datas
      .slice(0, -1)
      .map((d) => JSON.parse(d) as { choices: Array<{ delta: { content?: string } }>; usage?: unknown });
    const content = chunks.map((c) => c.choices[0]?.delta.content ?? '');
    expect(content.join('').length).toBe(1024);
    // role chunk + 64 content chunks + finish chunk, and no usage chunk without stream_options
    expect(chunks.length).toBe(66);
    expect(chunks.some((c) => c.usage !== undefined)).toBe(false);
  });

  it('fails with the given status, body and headers', async () => {
    fake.setBehaviour({
      failStatus: 418,
      errorBody: { error: { message: 'teapot' } },
      errorHeaders: { 'retry-after': '3' },
    });
    const r = await post('/chat/completions', { model: 'm', messages: [] });
    expect(r.status).toBe(418);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(await r.json()).toEqual({ error: { message: 'teapot' } });
  });
});
