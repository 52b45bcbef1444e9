import { LeaseClock } from './redis-clock';

/** Redis's clock runs `skewMs` ahead of this process's; each TIME round trip takes `rttMs`. */
function sources(skewMs: number, rttMs = 2) {
  let local = 1_000_000;
  let asked = 0;
  return {
    advance: (ms: number) => void (local += ms),
    asked: () => asked,
    time: {
      localMs: () => local,
      redisTimeMs: async () => {
        asked++;
        local += rttMs / 2;
        const redis = local + skewMs;
        local += rttMs / 2;
        return redis;
      },
    },
  };
}

describe('the lease clock', () => {
  it("reads Redis's time, not this replica's, whatever their skew", async () => {
    for (const skew of [-10_000, 0, 10_000]) {
      const s = sources(skew);
      const clock = new LeaseClock(s.time);
      const first = await clock.now();
      expect(first).toBe(s.time.localMs() + skew);
      s.advance(1234);
      expect(await clock.now()).toBe(s.time.localMs() + skew);
    }
  });

  it('asks Redis again only every few seconds', async () => {
    const s = sources(500);
    const clock = new LeaseClock(s.time);
    for (let i = 0; i < 10; i++) {
      await clock.now();
      s.advance(400);
    }
    expect(s.asked()).toBe(1);
    s.advance(5000);
    await clock.now();
    expect(s.asked()).toBe(2);
  });

  it('gives two replicas with clocks 20 s apart the same time', async () => {
    let local = 5_000_000;
    const redisAt = () => local + 3;
    const replica = (skew: number) =>
      new LeaseClock({ localMs: () => local + skew, redisTimeMs: async () => redisAt() });
    const [slow, fast] = [replica(-10_000), replica(10_000)];
    await Promise.all([slow.now(), fast.now()]);
    local += 777;
    expect(await slow.now()).toBe(await fast.now());
    expect(await slow.now()).toBe(redisAt());
  });
});
