import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The service's whole configuration, from environment variables, validated once at boot. A bad
 * value stops the process with a message naming the variable; nothing is half-configured.
 */
const intVar = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const tokenEntry = z
  .object({
    name: z.string().min(1).max(64),
    role: z.enum(['admin', 'operator', 'app']),
    app: z.string().min(1).max(63).optional(),
    /** Hex SHA-256 of the bearer token: plaintext tokens never sit in configuration. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256'),
  })
  .strict()
  .refine(
    (t) => (t.role === 'app') === (t.app !== undefined),
    'app tokens need "app"; other roles must not have it',
  );
export type TokenEntry = z.infer<typeof tokenEntry>;

const envSchema = z.object({
  KF_HOST: z.string().default('127.0.0.1'),
  KF_PORT: intVar(8080, 0, 65535),
  KF_REDIS_MODE: z.enum(['standalone', 'sentinel', 'cluster']).default('standalone'),
  KF_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  KF_REDIS_SENTINELS: z.string().default(''),
  KF_REDIS_SENTINEL_NAME: z.string().default('mymaster'),
  KF_REDIS_CLUSTER_NODES: z.string().default(''),
  KF_REDIS_PASSWORD: z.string().optional(),
  KF_REDIS_WAIT_REPLICAS: intVar(0, 0, 16),
  KF_REDIS_WAIT_TIMEOUT_MS: intVar(1_000, 10, 60_000),
  KF_AUTH_TOKENS: z.string().optional(),
  KF_AUTH_TOKENS_FILE: z.string().optional(),
  KF_SYNC_INTERVAL_MS: intVar(30_000, 0, 3_600_000),
  KF_CHANGES_MAXLEN: intVar(10_000, 10, 10_000_000),
  KF_AUDIT_MAXLEN: intVar(100_000, 10, 10_000_000),
  KF_WATCH_KEEPALIVE_MS: intVar(15_000, 100, 300_000),
  KF_BODY_LIMIT_BYTES: intVar(256 * 1024, 1024, 16 * 1024 * 1024),
  KF_SHUTDOWN_GRACE_MS: intVar(10_000, 0, 120_000),
  KF_MIGRATION_TICK_MS: intVar(100, 10, 60_000),
  KF_MIGRATION_LOCK_MS: intVar(5_000, 500, 300_000),
  KF_SWEEP_TIMEOUT_MS: intVar(120_000, 1_000, 3_600_000),
  KF_SWEEP_FETCH_BYTES: intVar(1_048_576, 1_024, 64 * 1_048_576),
  KF_MIGRATION_OFFLINE_GROUP_GRACE_MS: intVar(0, 0, 86_400_000),
  KF_MIGRATION_SWITCH_DEADLINE_MS: intVar(30_000, 0, 3_600_000),
  KF_MIGRATION_FENCE_SETTLE_MS: intVar(200, 10, 10_000),
  KF_MIGRATION_STABLE_END_AFTER_MS: intVar(2_000, 0, 3_600_000),
  KF_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export interface ServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly redis:
    | { mode: 'standalone'; url: string; password?: string }
    | { mode: 'sentinel'; sentinels: Array<{ host: string; port: number }>; name: string; password?: string }
    | { mode: 'cluster'; nodes: Array<{ host: string; port: number }>; password?: string };
  /**
   * How many Redis replicas must hold a write a shuffle depends on before it goes on (`WAIT`),
   * and how long to wait for them; 0 replicas: no waiting (standalone Redis has none).
   */
  readonly redisReplication: { readonly waitReplicas: number; readonly waitTimeoutMs: number };
  readonly tokens: readonly TokenEntry[];
  readonly syncIntervalMs: number;
  readonly changesMaxLen: number;
  readonly auditMaxLen: number;
  readonly watchKeepaliveMs: number;
  readonly bodyLimitBytes: number;
  readonly shutdownGraceMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly migration: {
    readonly tickMs: number;
    readonly lockMs: number;
    readonly sweepTimeoutMs: number;
    /** How much the straggler sweep fetches per partition at a time: one batch, one transaction. */
    readonly sweepFetchBytes: number;
    /** How long a drain waits for a group none of whose members is alive any more. */
    readonly offlineGroupGraceMs: number;
    /**
     * How long `switch-producers` waits for live producers to acknowledge the new epoch before
     * the broker fence is applied anyway (a producer that never switches then gets an error).
     */
    readonly switchDeadlineMs: number;
    /** The source's end offsets must hold still this long, fence applied, before they are the fence. */
    readonly fenceSettleMs: number;
    /**
     * How long a drain runs before the fence is judged by what consumers can get (the last
     * record before transaction markers) rather than by the end offsets.
     */
    readonly stableEndAfterMs: number;
  };
}

export class ConfigError extends Error {}

export function loadServiceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  return Object.freeze({
    host: e.KF_HOST,
    port: e.KF_PORT,
    redis: redisConfig(e),
    redisReplication: { waitReplicas: e.KF_REDIS_WAIT_REPLICAS, waitTimeoutMs: e.KF_REDIS_WAIT_TIMEOUT_MS },
    tokens: Object.freeze(loadTokens(e.KF_AUTH_TOKENS, e.KF_AUTH_TOKENS_FILE)),
    syncIntervalMs: e.KF_SYNC_INTERVAL_MS,
    changesMaxLen: e.KF_CHANGES_MAXLEN,
    auditMaxLen: e.KF_AUDIT_MAXLEN,
    watchKeepaliveMs: e.KF_WATCH_KEEPALIVE_MS,
    bodyLimitBytes: e.KF_BODY_LIMIT_BYTES,
    shutdownGraceMs: e.KF_SHUTDOWN_GRACE_MS,
    logLevel: e.KF_LOG_LEVEL,
    migration: {
      tickMs: e.KF_MIGRATION_TICK_MS,
      lockMs: e.KF_MIGRATION_LOCK_MS,
      sweepTimeoutMs: e.KF_SWEEP_TIMEOUT_MS,
      sweepFetchBytes: e.KF_SWEEP_FETCH_BYTES,
      offlineGroupGraceMs: e.KF_MIGRATION_OFFLINE_GROUP_GRACE_MS,
      switchDeadlineMs: e.KF_MIGRATION_SWITCH_DEADLINE_MS,
      fenceSettleMs: e.KF_MIGRATION_FENCE_SETTLE_MS,
      stableEndAfterMs: e.KF_MIGRATION_STABLE_END_AFTER_MS,
    },
  });
}

function redisConfig(e: z.infer<typeof envSchema>): ServiceConfig['redis'] {
  const password = e.KF_REDIS_PASSWORD;
  if (e.KF_REDIS_MODE === 'standalone') return { mode: 'standalone', url: e.KF_REDIS_URL, password };
  const variable = e.KF_REDIS_MODE === 'sentinel' ? 'KF_REDIS_SENTINELS' : 'KF_REDIS_CLUSTER_NODES';
  const nodes = parseHostPorts(
    e.KF_REDIS_MODE === 'sentinel' ? e.KF_REDIS_SENTINELS : e.KF_REDIS_CLUSTER_NODES,
    variable,
  );
  return e.KF_REDIS_MODE === 'sentinel'
    ? { mode: 'sentinel', sentinels: nodes, name: e.KF_REDIS_SENTINEL_NAME, password }
    : { mode: 'cluster', nodes, password };
}

function parseHostPorts(raw: string, variable: string): Array<{ host: string; port: number }> {
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0)
    throw new ConfigError(`invalid environment variable ${variable}: needs host:port[,host:port…]`);
  return entries.map((entry) => {
    const [host, port] = [
      entry.slice(0, entry.lastIndexOf(':')),
      Number(entry.slice(entry.lastIndexOf(':') + 1)),
    ];
    if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ConfigError(`invalid environment variable ${variable}: "${entry}" is not host:port`);
    }
    return { host, port };
  });
}

function loadTokens(inline: string | undefined, file: string | undefined): TokenEntry[] {
  const [variable, raw] = file
    ? ['KF_AUTH_TOKENS_FILE', readTokenFile(file)]
    : ['KF_AUTH_TOKENS', inline ?? '[]'];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(`invalid environment variable ${variable}: not valid JSON`);
  }
  const parsed = z.array(tokenEntry).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `invalid environment variable ${variable}: [${issue.path.join('.')}] ${issue.message}`,
    );
  }
  return parsed.data;
}

function readTokenFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `invalid environment variable KF_AUTH_TOKENS_FILE: cannot read ${file} (${(error as Error).message})`,
    );
  }
}
