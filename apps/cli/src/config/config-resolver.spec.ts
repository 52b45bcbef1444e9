import { CliConfigError } from '../errors/cli-errors';
import { resolveConfig, type ConfigFs, type ConfigInputs } from './config-resolver';

const HOME = '/home/sre';
const DEFAULT_PATH = '/home/sre/.config/kafka-fleet/cli.json';

/** An in-memory file system: path → text and permission bits. */
function fakeFs(files: Record<string, { text: string; mode?: number }>): ConfigFs {
  return {
    readText: (path) => files[path]?.text,
    permissions: (path) => files[path]?.mode ?? 0o600,
  };
}

const contexts = JSON.stringify({
  currentContext: 'staging',
  contexts: {
    staging: { url: 'https://staging.example/', token: 'staging-token', timeoutMs: 5000 },
    prod: { url: 'https://prod.example', token: 'prod-token' },
  },
});

function resolveWith(overrides: Partial<ConfigInputs>) {
  return resolveConfig({ flags: {}, env: {}, homeDir: HOME, fs: fakeFs({}), ...overrides });
}

describe('CLI config resolution', () => {
  it('reads the current context of the default file', () => {
    const config = resolveWith({ fs: fakeFs({ [DEFAULT_PATH]: { text: contexts } }) });
    expect(config).toMatchObject({
      url: 'https://staging.example',
      token: 'staging-token',
      timeoutMs: 5000,
      contextName: 'staging',
      configPath: DEFAULT_PATH,
      urlSource: 'config file',
      tokenSource: 'config file',
      warnings: [],
    });
  });

  it('prefers flags over the environment over the file, field by field', () => {
    const fs = fakeFs({ [DEFAULT_PATH]: { text: contexts } });
    const env = { KAFKA_FLEET_URL: 'http://env.example:8080', KAFKA_FLEET_TOKEN: 'env-token' };
    expect(resolveWith({ fs, env })).toMatchObject({
      url: 'http://env.example:8080',
      token: 'env-token',
      urlSource: 'env',
      tokenSource: 'env',
    });
    expect(resolveWith({ fs, env, flags: { token: 'flag-token' } })).toMatchObject({
      url: 'http://env.example:8080',
      token: 'flag-token',
      tokenSource: 'flag',
    });
    expect(resolveWith({ fs, env, flags: { url: 'http://flag.example', timeoutMs: 42 } })).toMatchObject({
      url: 'http://flag.example',
      urlSource: 'flag',
      timeoutMs: 42,
    });
  });

  it('picks the context from the flag, then KAFKA_FLEET_CONTEXT, then currentContext', () => {
    const fs = fakeFs({ [DEFAULT_PATH]: { text: contexts } });
    expect(resolveWith({ fs, env: { KAFKA_FLEET_CONTEXT: 'prod' } }).url).toBe('https://prod.example');
    expect(
      resolveWith({ fs, env: { KAFKA_FLEET_CONTEXT: 'prod' }, flags: { context: 'staging' } }).token,
    ).toBe('staging-token');
  });

  it('uses the only context when none is named, and a flat file as an unnamed context', () => {
    const single = JSON.stringify({ contexts: { local: { url: 'http://127.0.0.1:18080' } } });
    expect(resolveWith({ fs: fakeFs({ [DEFAULT_PATH]: { text: single } }) })).toMatchObject({
      url: 'http://127.0.0.1:18080',
      contextName: 'local',
      token: undefined,
      tokenSource: 'none',
    });
    const flat = JSON.stringify({ url: 'http://flat.example', token: 'flat-token' });
    expect(resolveWith({ fs: fakeFs({ [DEFAULT_PATH]: { text: flat } }) })).toMatchObject({
      url: 'http://flat.example',
      token: 'flat-token',
      contextName: undefined,
    });
  });

  it('reads the file named by --config, else by KAFKA_FLEET_CONFIG', () => {
    const fs = fakeFs({
      '/etc/fleet/a.json': { text: JSON.stringify({ url: 'http://a.example' }) },
      '/etc/fleet/b.json': { text: JSON.stringify({ url: 'http://b.example' }) },
    });
    expect(resolveWith({ fs, env: { KAFKA_FLEET_CONFIG: '/etc/fleet/b.json' } }).url).toBe(
      'http://b.example',
    );
    expect(
      resolveWith({
        fs,
        env: { KAFKA_FLEET_CONFIG: '/etc/fleet/b.json' },
        flags: { config: '/etc/fleet/a.json' },
      }).configPath,
    ).toBe('/etc/fleet/a.json');
  });

  it.each([0o644, 0o640, 0o604])('warns when the file is readable by others (mode %o)', (mode) => {
    const config = resolveWith({ fs: fakeFs({ [DEFAULT_PATH]: { text: contexts, mode } }) });
    expect(config.warnings).toEqual([expect.stringContaining(`chmod 600 ${DEFAULT_PATH}`)]);
    expect(config.warnings[0]).toContain(`mode 0${mode.toString(8)}`);
  });

  it('does not warn for an owner-only file', () => {
    expect(resolveWith({ fs: fakeFs({ [DEFAULT_PATH]: { text: contexts, mode: 0o600 } }) }).warnings).toEqual(
      [],
    );
  });

  it.each([
    [{ flags: { config: '/missing.json' } }, /config file \/missing.json does not exist/],
    [{ env: { KAFKA_FLEET_CONFIG: '/missing.json' } }, /config file \/missing.json does not exist/],
    [{}, /no config service URL: pass --url, set KAFKA_FLEET_URL/],
    [{ flags: { url: 'not a url' } }, /URL from flag is not a URL/],
    [{ env: { KAFKA_FLEET_URL: 'ftp://x' } }, /URL from env must be http\(s\)/],
    [{ fs: fakeFs({ [DEFAULT_PATH]: { text: '{ nope' } }) }, /is not valid JSON/],
    [
      { fs: fakeFs({ [DEFAULT_PATH]: { text: '{"contexts":{"a":{"url":"http://a","tokn":"x"}}}' } }) },
      /contexts\.a: Unrecognized key/,
    ],
    [
      { fs: fakeFs({ [DEFAULT_PATH]: { text: contexts } }), flags: { context: 'dev' } },
      /context "dev" is not in .* \(known: staging, prod\)/,
    ],
  ] as Array<[Partial<ConfigInputs>, RegExp]>)('refuses unusable configuration %#', (inputs, message) => {
    expect(() => resolveWith(inputs)).toThrow(CliConfigError);
    expect(() => resolveWith(inputs)).toThrow(message);
  });

  it('never puts a token into an error message', () => {
    const text = JSON.stringify({ url: 'http://a.example', token: 'super-secret-token', extra: 1 });
    expect(() => resolveWith({ fs: fakeFs({ [DEFAULT_PATH]: { text } }) })).toThrow(CliConfigError);
    try {
      resolveWith({ fs: fakeFs({ [DEFAULT_PATH]: { text } }) });
    } catch (error) {
      expect((error as Error).message).not.toContain('super-secret-token');
    }
  });
});
