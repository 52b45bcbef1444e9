import { ConfigError, loadServiceConfig } from './service-config';

const token = { name: 'root', role: 'admin', sha256: 'a'.repeat(64) };

describe('service configuration from the environment', () => {
  it('has working defaults', () => {
    const config = loadServiceConfig({});
    expect(config).toMatchObject({
      port: 8080,
      redis: { mode: 'standalone', url: 'redis://127.0.0.1:6379' },
      tokens: [],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ KF_PORT: 'eighty' }, /KF_PORT/],
    [{ KF_REDIS_URL: 'http://x' }, /KF_REDIS_URL/],
    [{ KF_REDIS_MODE: 'sentinel' }, /KF_REDIS_SENTINELS/],
    [{ KF_REDIS_MODE: 'cluster', KF_REDIS_CLUSTER_NODES: 'a:1,b' }, /KF_REDIS_CLUSTER_NODES: "b"/],
    [{ KF_AUTH_TOKENS: '{not json' }, /KF_AUTH_TOKENS: not valid JSON/],
    [{ KF_AUTH_TOKENS: JSON.stringify([{ ...token, sha256: 'plaintext' }]) }, /KF_AUTH_TOKENS.*SHA-256/],
    [{ KF_AUTH_TOKENS: JSON.stringify([{ ...token, role: 'app' }]) }, /KF_AUTH_TOKENS.*app tokens need/],
    [{ KF_AUTH_TOKENS_FILE: '/nonexistent/tokens.json' }, /KF_AUTH_TOKENS_FILE: cannot read/],
  ])('names the bad variable: %j', (env, message) => {
    expect(() => loadServiceConfig(env)).toThrow(ConfigError);
    expect(() => loadServiceConfig(env)).toThrow(message);
  });

  it('configures Sentinel and Cluster modes', () => {
    expect(
      loadServiceConfig({ KF_REDIS_MODE: 'sentinel', KF_REDIS_SENTINELS: 's1:26379,s2:26379' }).redis,
    ).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'mymaster',
      password: undefined,
    });
    expect(
      loadServiceConfig({ KF_REDIS_MODE: 'cluster', KF_REDIS_CLUSTER_NODES: 'n1:6379' }).redis,
    ).toMatchObject({ mode: 'cluster' });
  });
});
