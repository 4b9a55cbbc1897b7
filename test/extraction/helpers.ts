/** Small hand-built traces for engine, replay and stage tests. */
export interface Line {
  ts: string;
  account: string;
  ip: string;
  user_agent?: string;
  path: string;
  body: unknown;
  response?: { status: number; output_tokens: number; finish_reason: string };
}

const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const QUESTIONS = [
  'A farmer has 17 sheep and buys 5 more each week for 6 weeks. How many sheep does he have?',
  'Write a Python function that merges two sorted lists without using the built-in sort.',
  'Explain why the sky looks blue during the day but red at sunset.',
  'Draft a short marketing email for a new bakery opening downtown next month.',
  'Translate the phrase good morning, how did you sleep into German and French.',
  'Summarize the main causes of the First World War in a few bullet points.',
  'What are good exercises for someone recovering from a knee injury?',
  'Design a SQL schema for a library that lends books and tracks overdue fines.',
];

export function harvestLine(i: number, account = 'harvester', ip = '198.51.100.10'): Line {
  const q = `${QUESTIONS[i % QUESTIONS.length]} (variant ${i})`;
  return {
    ts: new Date(T0 + i * 2000).toISOString(),
    account,
    ip,
    user_agent: 'python-httpx/0.27.2',
    path: '/v1/chat/completions',
    body: {
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: `Solve the following task. Think step by step and show your complete reasoning before giving the final answer.\n\nTask: ${q}`,
        },
      ],
      max_tokens: 4096,
      temperature: 1,
    },
    response: { status: 200, output_tokens: 900, finish_reason: 'stop' },
  };
}

export function chatLine(i: number, account = 'chatter'): Line {
  const q = QUESTIONS[(i * 3) % QUESTIONS.length]!;
  const messages: Array<{ role: string; content: string }> = [{ role: 'user', content: q }];
  if (i % 2 === 1)
    messages.push(
      { role: 'assistant', content: 'Here is an answer.' },
      { role: 'user', content: 'Can you make it shorter?' },
    );
  return {
    ts: new Date(T0 + i * 95_000 + 500).toISOString(),
    account,
    ip: '203.0.113.5',
    user_agent: 'Mozilla/5.0',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o', messages },
    response: { status: 200, output_tokens: 200, finish_reason: 'stop' },
  };
}

/** Interleaves two lists by time. */
export function merge(a: Line[], b: Line[]): Line[] {
  return [...a, ...b].sort((x, y) => Date.parse(x.ts) - Date.parse(y.ts));
}
