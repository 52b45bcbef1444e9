import { effectiveTuning, type ClientTuning } from './client-tuning';

const LOCAL: ClientTuning = {
  lingerMs: 5,
  requestTimeoutMs: 30_000,
  compression: 'none',
  sessionTimeoutMs: 30_000,
  maxInFlightBuffer: 10_000,
};

describe('effective client tuning', () => {
  it("lets the app's overrides win over the client's own options", () => {
    const { tuning, refused } = effectiveTuning(LOCAL, { compression: 'zstd', fetchMaxBytes: 4096 });
    expect(tuning).toEqual({ ...LOCAL, compression: 'zstd', fetchMaxBytes: 4096 });
    expect(refused).toEqual([]);
  });

  it('skips, and names, overrides it may not apply: unknown keys, pinned settings, bad values', () => {
    const { tuning, refused } = effectiveTuning(LOCAL, { acks: 1, lingerMs: 99_999, compression: 'gzip' });
    expect(tuning).toEqual({ ...LOCAL, compression: 'gzip' });
    expect(refused.map((f) => f.path)).toEqual(['configOverrides.acks', 'configOverrides.lingerMs']);
  });

  it('checks a pairing against the client option the override is paired with', () => {
    const short = { ...LOCAL, sessionTimeoutMs: 6000 };
    const { tuning, refused } = effectiveTuning(short, { heartbeatIntervalMs: 3000 });
    expect(tuning.heartbeatIntervalMs).toBeUndefined();
    expect(refused[0]).toMatchObject({ path: 'configOverrides.heartbeatIntervalMs' });
    expect(effectiveTuning(LOCAL, { heartbeatIntervalMs: 3000 }).tuning.heartbeatIntervalMs).toBe(3000);
  });
});
