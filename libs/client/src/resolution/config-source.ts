import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
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
  /** The service asked for a resync: the next answer is taken as it is, older or not. */
  private resyncing = false;

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
          'no configuration: the service is unreachable and no last-known-good copy exists (or it is older than lastKnownGoodMaxAgeMs)',
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
        const resync = this.resyncing;
        // A resync refetches in full: the service's versions may now be below ours.
        const fetched = await this.api.snapshot(resync ? undefined : this.etag);
        this.lastContact = this.now();
        this.resyncing = false;
        // Once, on the service's word: after a restore its versions restart lower, and keeping
        // ours made every watch ask from a version it never reached, be told to resync, forever.
        this.seenVersion = resync ? fetched.version : Math.max(this.seenVersion, fetched.version);
        if (!fetched.snapshot) return;
        const previous = this.current;
        if (previous && !resync && fetched.snapshot.version < previous.version) {
          // An older snapshot than the one applied (a lost write, a stale replica): never route
          // backwards unless the service says to resync.
          this.options.logger.warn('ignoring a snapshot older than the one in use', {
            inUse: previous.version,
            offered: fetched.snapshot.version,
          });
          return;
        }
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
        if (/^event: resync$/m.test(block)) this.resyncing = true;
        if (/^event: (change|resync)$/m.test(block)) await this.refresh().catch(() => undefined);
        if (/^event: (resync|shutdown)$/m.test(block)) return;
      }
    }
  }

  /** The saved snapshot, unless it is another app's or older than `lastKnownGoodMaxAgeMs`. */
  private loadLastKnownGood(): AppSnapshot | undefined {
    const file = this.options.lastKnownGoodFile;
    if (!file) return undefined;
    try {
      const ageMs = this.now() - statSync(file).mtimeMs;
      if (ageMs > this.options.lastKnownGoodMaxAgeMs) {
        this.options.logger.error('last-known-good snapshot too old to route by; not using it', {
          file,
          ageMs: Math.round(ageMs),
          maxAgeMs: this.options.lastKnownGoodMaxAgeMs,
        });
        return undefined;
      }
      const saved = JSON.parse(readFileSync(file, 'utf8')) as AppSnapshot;
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
      // A temp file of its own (two clients may share the path), synced, then renamed over the
      // old one: a crash or a power cut never leaves a torn or empty last-known-good file.
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, JSON.stringify(snapshot));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
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
