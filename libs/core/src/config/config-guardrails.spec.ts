import { ValidationError } from '../errors/fleet-errors';
import { checkConfigOverrides } from './config-guardrails';

describe('config guardrails', () => {
  it('accepts overrides within bounds', () => {
    expect(() =>
      checkConfigOverrides({ lingerMs: 10, compression: 'zstd', sessionTimeoutMs: 30_000 }),
    ).not.toThrow();
  });

  it('names every offending field', () => {
    try {
      checkConfigOverrides({ lingerMs: 5000, compression: 'brotli', acks: 1 });
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((f) => f.path)).toEqual([
        'configOverrides.lingerMs',
        'configOverrides.compression',
        'configOverrides.acks',
      ]);
    }
  });

  it('refuses names of Object.prototype members as settings (no inherited rule is ever called)', () => {
    expect(() => checkConfigOverrides({ constructor: 1, toString: 'x' })).toThrow(ValidationError);
  });

  it('refuses pairings a consumer would fail or be expelled on', () => {
    try {
      checkConfigOverrides({
        sessionTimeoutMs: 20_000,
        heartbeatIntervalMs: 7000,
        maxPollIntervalMs: 15_000,
      });
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect((error as ValidationError).fields.map((f) => f.path)).toEqual([
        'configOverrides.heartbeatIntervalMs',
        'configOverrides.maxPollIntervalMs',
      ]);
    }
  });
});
