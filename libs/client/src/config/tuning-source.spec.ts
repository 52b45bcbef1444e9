import { resolveOptions } from './client-options';
import { consumerTuning, producerSettings, TuningSource } from './tuning-source';

const key = JSON.stringify;

describe('TuningSource', () => {
  const options = resolveOptions({ serviceUrl: 'http://x', appId: 'payments-api', token: 't' });
  const tuning = new TuningSource(options);
  const local = tuning.of({ configOverrides: {} });

  it('tells producer and consumer changes apart (a consumer-only change keeps the producers)', () => {
    const session = tuning.of({ configOverrides: { sessionTimeoutMs: 60_000 } });
    expect(key(producerSettings(session))).toBe(key(producerSettings(local)));
    expect(key(consumerTuning(session))).not.toBe(key(consumerTuning(local)));
    const linger = tuning.of({ configOverrides: { lingerMs: 20 } });
    expect(key(producerSettings(linger))).not.toBe(key(producerSettings(local)));
    expect(key(consumerTuning(linger))).toBe(key(consumerTuning(local)));
  });

  it('reports every setting in force with the pinned ones, and nothing unset', () => {
    expect(TuningSource.report(tuning.of({ configOverrides: { compression: 'zstd' } }))).toEqual({
      acks: 'all',
      idempotence: true,
      partitioner: 'murmur2',
      lingerMs: 5,
      requestTimeoutMs: 30_000,
      compression: 'zstd',
      sessionTimeoutMs: 30_000,
      maxInFlightBuffer: 10_000,
    });
  });
});
