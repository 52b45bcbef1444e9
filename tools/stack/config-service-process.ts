import { randomBytes, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isRunning, startDaemon, stopProcess, waitFor } from './process-control';
import type { StackDefinition } from './stack-definition';

/**
 * The config service as a local daemon on the stack's Redis, run from the build output
 * (`npm run build`). Local tokens are generated once into .stack/tokens.json (plaintext, for the
 * developer; the service itself only receives their SHA-256).
 */
export interface LocalTokens {
  readonly admin: string;
  readonly operator: string;
  /** Scoped to the demo application (`demo-app`). */
  readonly demoApp: string;
}

export const DEMO_APP = 'demo-app';

export function serviceSpec(stack: StackDefinition) {
  const port = Number(process.env.KF_SERVICE_PORT ?? 18080);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    entry: resolve(stack.rootDir, 'dist/apps/config-service/src/main.js'),
    pidFile: resolve(stack.stateDir, 'config-service.pid'),
    logFile: resolve(stack.stateDir, 'logs', 'config-service.log'),
    tokensFile: resolve(stack.stateDir, 'tokens.json'),
  };
}

export function localTokens(stack: StackDefinition): LocalTokens {
  const { tokensFile } = serviceSpec(stack);
  if (existsSync(tokensFile)) {
    const saved = JSON.parse(readFileSync(tokensFile, 'utf8')) as Partial<LocalTokens>;
    if (saved.admin && saved.operator && saved.demoApp) return saved as LocalTokens;
  }
  mkdirSync(stack.stateDir, { recursive: true });
  const tokens = {
    admin: randomBytes(24).toString('base64url'),
    operator: randomBytes(24).toString('base64url'),
    demoApp: randomBytes(24).toString('base64url'),
  };
  writeFileSync(tokensFile, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  return tokens;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export async function startConfigServiceDaemon(stack: StackDefinition): Promise<string> {
  const spec = serviceSpec(stack);
  if (!existsSync(spec.entry)) throw new Error(`${spec.entry} is missing: run \`npm run build\` first`);
  if (!isRunning(spec.pidFile, spec.entry)) {
    const tokens = localTokens(stack);
    const env = {
      ...process.env,
      KF_PORT: String(spec.port),
      KF_REDIS_URL: `redis://${stack.redis.host}:${stack.redis.port}`,
      KF_SYNC_INTERVAL_MS: process.env.KF_SYNC_INTERVAL_MS ?? '15000',
      KF_AUTH_TOKENS: JSON.stringify([
        { name: 'local-admin', role: 'admin', sha256: sha256(tokens.admin) },
        { name: 'local-sre', role: 'operator', sha256: sha256(tokens.operator) },
        { name: 'local-demo-app', role: 'app', app: DEMO_APP, sha256: sha256(tokens.demoApp) },
      ]),
    };
    startDaemon(process.execPath, [spec.entry], spec.logFile, spec.pidFile, env);
  }
  await waitFor(
    `config service on ${spec.url}`,
    async () => (await fetch(`${spec.url}/health/live`)).ok,
    30_000,
    250,
  );
  return spec.url;
}

export function stopConfigServiceDaemon(stack: StackDefinition): Promise<string> {
  return stopProcess(serviceSpec(stack).pidFile, 15_000);
}
