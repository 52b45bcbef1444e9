import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { request, type IncomingHttpHeaders } from 'node:http';
import Redis from 'ioredis';
import { hashToken } from '../../../apps/config-service/src/auth/token-registry';
import {
  loadServiceConfig,
  type ServiceConfig,
} from '../../../apps/config-service/src/config/service-config';
import { startConfigService } from '../../../apps/config-service/src/service-app';
import { redis } from '../../support/stack-harness';

export const APP_ID = 'payments-api';
export const OTHER_APP_ID = 'ledger-api';

export type Who = 'admin' | 'operator' | 'app' | 'otherApp';

/** Fresh random tokens per test file; the service only ever sees their hashes. */
export function makeTokens(): Record<Who, string> {
  const t = () => randomBytes(24).toString('base64url');
  return { admin: t(), operator: t(), app: t(), otherApp: t() };
}

export interface ServiceUnderTest {
  readonly app: INestApplication;
  readonly url: string;
  readonly config: ServiceConfig;
}

/**
 * Starts a real config service (Fastify, real Redis from the stack) on an ephemeral port. Each
 * test file gets its own Redis database number, flushed first, so files never see each other.
 */
export class ConfigServiceHarness {
  readonly tokens = makeTokens();
  readonly redisUrl: string;

  constructor(
    db: number,
    private readonly env: Record<string, string> = {},
  ) {
    const spec = redis();
    this.redisUrl = `redis://${spec.host}:${spec.port}/${db}`;
  }

  async flush(): Promise<void> {
    const client = new Redis(this.redisUrl);
    await client.flushdb();
    await client.quit();
  }

  async start(extraEnv: Record<string, string> = {}): Promise<ServiceUnderTest> {
    const config = loadServiceConfig(this.environment(extraEnv));
    const app = await startConfigService(config);
    return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), config };
  }

  /** The environment a service replica of this harness boots with (in this process or another). */
  environment(extraEnv: Record<string, string> = {}): Record<string, string> {
    const tokens = [
      { name: 'root', role: 'admin', sha256: hashToken(this.tokens.admin) },
      { name: 'sre', role: 'operator', sha256: hashToken(this.tokens.operator) },
      { name: 'payments', role: 'app', app: APP_ID, sha256: hashToken(this.tokens.app) },
      { name: 'ledger', role: 'app', app: OTHER_APP_ID, sha256: hashToken(this.tokens.otherApp) },
    ];
    return {
      KF_PORT: '0',
      KF_REDIS_URL: this.redisUrl,
      KF_AUTH_TOKENS: JSON.stringify(tokens),
      KF_SYNC_INTERVAL_MS: '0',
      KF_LOG_LEVEL: 'error',
      ...this.env,
      ...extraEnv,
    };
  }
}

export interface HttpResult<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: IncomingHttpHeaders;
}

/**
 * A tiny JSON client bound to one base URL and one bearer token. Plain `node:http` with a fresh
 * connection per request: no pooled keep-alive socket can carry state from one case to the next.
 */
export function client(baseUrl: string, token?: string) {
  return <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult<T>> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = request(
        `${baseUrl}${path}`,
        {
          method,
          agent: false,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(payload !== undefined
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* not JSON (metrics, HTML) */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      // A server may answer (413) and close before the whole body is written: that is a response, not a failure.
      req.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
      );
      req.end(payload);
    });
}
