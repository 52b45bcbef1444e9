import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppSnapshot } from '@kafka-fleet/contracts';
import type { ResolvedOptions } from '../config/client-options';
import { ConfigUnavailableError } from '../errors/client-errors';
import type { ServiceApi } from './service-api';

type Listener = (next: AppSnapshot, previous: AppSnapshot) => void;

/**
 * The application's configuration: fetched once, then kept current by the watch stream (each
 * change event triggers an ETag-conditional refetch), with polling while the stream is down. The
 * last good snapshot stays in memory (and on disk if configured) and keeps routing working while
 * the service or its Redis is unreachable; `stalenessMs` says for how long that has been.
 */
export class ConfigSource {
  private current?: AppSnapshot;
  private etag?: string;
  private lastContact = 0;
  private readonly listeners = new Set<Listener>();
  private readonly abort = new AbortController();
  private pollTimer?: NodeJS.Timeout;
  private watching?: Promise<void>;
  private refreshing?: Promise<void>;
  private again?: Promise<void>;
  /** Newest config version the service reported (a 304 still says how far the fleet has moved). */
  private seenVersion = 0;

  constructor(
    private readonly api: ServiceApi,
    private readonly options: ResolvedOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<AppSnapshot> {
    try {
      await this.refresh();
    } catch (error) {
      const saved = this.loadLastKnownGood();
      if (!saved)
        throw new ConfigUnavailableError(
          'no configuration: the service is unreachable and no last-known-good copy exists',
          { cause: error },
        );
      this.current = saved;
      this.options.logger.warn('config service unreachable; routing from the last-known-good snapshot', {
        version: saved.version,
      });
    }
    this.watching = this.watchLoop();
    this.pollTimer = setInterval(
      () => void this.refresh().catch(() => undefined),
      this.options.pollIntervalMs,
    );
    this.pollTimer.unref();
    return this.snapshot();
  }

  snapshot(): AppSnapshot {
    if (!this.current) throw new ConfigUnavailableError('the fleet client is not connected');
    return this.current;
  }

  /** Milliseconds since the service last answered (0 while the watch stream is live). */
  stalenessMs(): number {
    return this.lastContact === 0 ? Number.POSITIVE_INFINITY : Math.max(0, this.now() - this.lastContact);
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Refetches the snapshot (conditionally). A call made while a request is in flight gets one more
   * request after it: the one in flight may have been answered before the change that prompted it.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again ??= this.refreshing
        .catch(() => undefined)
        .then(() => {
          this.again = undefined;
          return this.refresh();
        });
      return this.again;
    }
    this.refreshing = (async () => {
      try {
        const fetched = await this.api.snapshot(this.etag);
        this.lastContact = this.now();
        this.seenVersion = Math.max(this.seenVersion, fetched.version);
        if (!fetched.snapshot) return;
        const previous = this.current;
        this.current = fetched.snapshot;
        this.etag = fetched.etag;
        this.saveLastKnownGood(fetched.snapshot);
        if (previous) for (const listener of this.listeners) listener(fetched.snapshot, previous);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async watchLoop(): Promise<void> {
    let backoffMs = 250;
    while (!this.abort.signal.aborted) {
      try {
        // Resume from the newest version seen, not the snapshot's: an app whose routing did not
        // change keeps an old snapshot version and would otherwise be told to resync forever.
        const res = await this.api.watch(
          Math.max(this.seenVersion, this.current?.version ?? 0),
          this.abort.signal,
        );
        backoffMs = 250;
        await this.readEvents(res);
      } catch {
        /* reconnect below; polling covers the gap */
      }
      if (this.abort.signal.aborted) break;
      await new Promise((r) => setTimeout(r, backoffMs).unref());
      backoffMs = Math.min(backoffMs * 2, 10_000);
    }
  }

  private async readEvents(res: Response): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      this.lastContact = this.now(); // keep-alives count: the service is there
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        // Any change (or a resync request) means: refetch the snapshot; the ETag makes it cheap.
        if (/^event: (change|resync)$/m.test(block)) await this.refresh().catch(() => undefined);
        if (/^event: (resync|shutdown)$/m.test(block)) return;
      }
    }
  }

  private loadLastKnownGood(): AppSnapshot | undefined {
    if (!this.options.lastKnownGoodFile) return undefined;
    try {
      const saved = JSON.parse(readFileSync(this.options.lastKnownGoodFile, 'utf8')) as AppSnapshot;
      return saved.app === this.options.appId ? saved : undefined;
    } catch {
      return undefined;
    }
  }

  private saveLastKnownGood(snapshot: AppSnapshot): void {
    const file = this.options.lastKnownGoodFile;
    if (!file) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      // Write-then-rename: a crash mid-write never leaves a torn last-known-good file.
      writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
      renameSync(`${file}.tmp`, file);
    } catch (error) {
      this.options.logger.warn('could not save the last-known-good snapshot', {
        file,
        error: (error as Error).message,
      });
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.pollTimer);
    this.abort.abort();
    await this.watching?.catch(() => undefined);
  }
}
