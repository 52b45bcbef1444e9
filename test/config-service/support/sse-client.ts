/** A minimal Server-Sent Events reader over fetch, for tests: collects events until told to stop. */
export interface SseEvent {
  readonly event: string;
  readonly id?: string;
  readonly data: Record<string, unknown>;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();
  private waiters: Array<() => void> = [];
  closed = false;
  failure?: Error;
  readonly done: Promise<void>;

  constructor(url: string, token: string, lastEventId?: string) {
    this.done = this.run(url, token, lastEventId);
  }

  private async run(url: string, token: string, lastEventId?: string): Promise<void> {
    try {
      const response = await fetch(url, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
        signal: this.controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(`watch answered ${response.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') this.failure = error as Error;
    } finally {
      this.closed = true;
      this.notify();
    }
  }

  private parse(block: string): void {
    let event = 'message';
    let id: string | undefined;
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const [field, ...rest] = line.split(':');
      const value = rest.join(':').trimStart();
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data += value;
    }
    if (!data && event === 'message') return;
    this.events.push({ event, id, data: data ? (JSON.parse(data) as Record<string, unknown>) : {} });
    this.notify();
  }

  private notify(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  /** Resolves once `predicate` holds over the events received so far (or fails after `timeoutMs`). */
  async waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs = 10_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (this.closed)
        throw new Error(
          `stream closed (${this.failure?.message ?? 'by server'}); got ${JSON.stringify(this.events)}`,
        );
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events;
  }

  changes(): Array<{ version: number; kind: string; id: string; op: string }> {
    return this.events
      .filter((e) => e.event === 'change')
      .map((e) => e.data as { version: number; kind: string; id: string; op: string });
  }

  close(): void {
    this.controller.abort();
  }
}
