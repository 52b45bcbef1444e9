import type { AppSnapshot, HeartbeatInput } from '@kafka-fleet/contracts';
import { ConfigUnavailableError } from '../errors/client-errors';
import type { ResolvedOptions } from '../config/client-options';

/** The config service calls the client makes; every one bounded by `serviceTimeoutMs`. */
export class ServiceApi {
  constructor(private readonly options: ResolvedOptions) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.options.token}`, ...extra };
  }

  /**
   * The app's snapshot (no `snapshot` when the ETag still matches: 304) and the service's current
   * config version, which a 304 carries too.
   */
  async snapshot(etag?: string): Promise<{ snapshot?: AppSnapshot; etag: string; version: number }> {
    const res = await this.fetch(`/v1/apps/${encodeURIComponent(this.options.appId)}/snapshot`, {
      headers: this.headers(etag ? { 'if-none-match': etag } : {}),
    });
    const version = Number(res.headers.get('x-config-version') ?? 0);
    if (res.status === 304) return { etag: etag ?? '', version };
    if (!res.ok)
      throw new ConfigUnavailableError(`snapshot request answered ${res.status}: ${await res.text()}`);
    return { snapshot: (await res.json()) as AppSnapshot, etag: res.headers.get('etag') ?? '', version };
  }

  async heartbeat(beat: HeartbeatInput): Promise<void> {
    const res = await this.fetch('/v1/instances/heartbeat', {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(beat),
    });
    if (!res.ok) throw new ConfigUnavailableError(`heartbeat answered ${res.status}`);
  }

  /** Opens the SSE watch stream; the caller reads `body`. Not bounded by the timeout once open. */
  async watch(since: number, signal: AbortSignal): Promise<Response> {
    const res = await fetch(`${this.options.serviceUrl}/v1/watch?since=${since}`, {
      headers: this.headers({ accept: 'text/event-stream' }),
      signal,
    });
    if (!res.ok || !res.body) throw new ConfigUnavailableError(`watch answered ${res.status}`);
    return res;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.options.serviceUrl}${path}`, {
        ...init,
        signal: AbortSignal.timeout(this.options.serviceTimeoutMs),
      });
    } catch (error) {
      throw new ConfigUnavailableError(`config service unreachable: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
