import { appInput } from './resources';

const base = {
  id: 'payments-api',
  owner: 'payments',
  topics: { 'payments.receipts': { consume: true }, 'payments.dead-letters': { produce: true } },
};
const issues = (body: unknown) =>
  (appInput.safeParse(body).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('appInput handlerFailures', () => {
  it('accepts a dead-letter topic the app may produce to', () => {
    expect(issues({ ...base, handlerFailures: { deadLetterTopic: 'payments.dead-letters' } })).toEqual([]);
  });

  it('refuses a dead-letter topic the app may not produce to, saying where', () => {
    expect(issues({ ...base, handlerFailures: { deadLetterTopic: 'payments.receipts' } })).toEqual([
      'handlerFailures.deadLetterTopic: must be one of the topics the app may produce to',
    ]);
    expect(issues({ ...base, handlerFailures: { deadLetterTopic: 'elsewhere.topic' } })).toHaveLength(1);
  });

  it('refuses a retry schedule a member could not wait through, and unknown fields', () => {
    expect(
      issues({
        ...base,
        handlerFailures: { maxAttempts: 20, initialBackoffMs: 10_000, maxBackoffMs: 60_000 },
      }),
    ).toEqual([
      'handlerFailures.maxAttempts: the back-offs between attempts must add up to at most 120000 ms',
    ]);
    expect(issues({ ...base, handlerFailures: { retries: 3 } })).toHaveLength(1);
  });
});
