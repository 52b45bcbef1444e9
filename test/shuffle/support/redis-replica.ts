import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { redis } from '../../support/stack-harness';
import { until } from './shuffle-fixture';

/**
 * A real Redis replica of the stack's Redis, in a process of its own: SIGSTOP it and the primary's
 * `WAIT` gets no acknowledgement from it, as when a replica lags or its link is cut.
 */
export class RedisReplica {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(port: number): Promise<RedisReplica> {
    const primary = redis();
    const dir = mkdtempSync(join(tmpdir(), 'kf-redis-replica-'));
    const child = spawn(
      process.env.KF_REDIS_SERVER ?? 'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--databases',
        '64',
        '--replicaof',
        primary.host,
        String(primary.port),
      ],
      { stdio: 'ignore' },
    );
    const replica = new RedisReplica(child, dir, port);
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await until(
      'the Redis replica in sync',
      async () => /master_link_status:up/.test(await probe.info('replication').catch(() => '')),
      30_000,
    );
    probe.disconnect();
    return replica;
  }

  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGCONT');
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
