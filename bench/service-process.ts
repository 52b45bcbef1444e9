import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { waitFor } from '../tools/stack/process-control';

/** Runs the built config service as its own process for a benchmark, with one token per role given. */
export async function startServiceProcess(
  rootDir: string,
  port: number,
  redisUrl: string,
  tokens: Array<{ name: string; role: string; app?: string; token: string }>,
): Promise<ChildProcess> {
  // A service left behind by an interrupted run would answer the health check with other tokens.
  const stale = await fetch(`http://127.0.0.1:${port}/health/live`).then(
    () => true,
    () => false,
  );
  if (stale) throw new Error(`port ${port} is already served (a config service left by an earlier run?)`);
  const child = spawn(process.execPath, [resolve(rootDir, 'dist/apps/config-service/src/main.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      KF_PORT: String(port),
      KF_REDIS_URL: redisUrl,
      KF_SYNC_INTERVAL_MS: '0',
      KF_LOG_LEVEL: 'warn',
      KF_AUTH_TOKENS: JSON.stringify(
        tokens.map(({ token, ...t }) => ({ ...t, sha256: createHash('sha256').update(token).digest('hex') })),
      ),
    },
  });
  await waitFor(
    'benchmark config service',
    async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok,
    30_000,
  );
  return child;
}
