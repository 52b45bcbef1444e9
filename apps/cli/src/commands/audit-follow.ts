import { KafkaFleetError } from '@kafka-fleet/core';
import type { CommandContext } from '../framework/command';
import type { AuditRow } from '../http/api-schemas';
import type { Query } from '../http/fleet-api';
import { SseParser } from '../http/sse-parser';

const PAGE = 200;
const MAX_PAGES = 50;

/** Audit ids are Redis stream ids (`<ms>-<seq>`): compare numerically, not as text. */
export function compareAuditIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am !== bm ? am - bm : (as ?? 0) - (bs ?? 0);
}

export interface FollowAuditOptions {
  readonly filter: Query;
  /** Id of the newest entry already printed; undefined when none was. */
  readonly after?: string;
  readonly intervalMs: number;
  readonly useWatch: boolean;
  readonly print: (entry: AuditRow, raw: unknown) => void;
}

/**
 * Prints audit entries newer than `after` until interrupted. Polling alone is correct; the watch
 * stream only wakes the poll early, so a dropped or refused stream costs latency, never entries.
 */
export async function followAudit(ctx: CommandContext, options: FollowAuditOptions): Promise<void> {
  let after = options.after;
  let wake = new AbortController();
  if (options.useWatch) void watchForChanges(ctx, () => wake.abort(), options.intervalMs);
  while (!ctx.signal.aborted) {
    await ctx.clock.sleep(options.intervalMs, AbortSignal.any([ctx.signal, wake.signal]));
    wake = new AbortController();
    if (ctx.signal.aborted) break;
    try {
      const fresh = await newerEntries(ctx, options.filter, after);
      for (const { entry, raw } of fresh) options.print(entry, raw);
      if (fresh.length) after = fresh[fresh.length - 1].entry.id;
    } catch (error) {
      if (!(error instanceof KafkaFleetError && error.retriable)) throw error;
      ctx.out.warn(`${error.message}; retrying`);
    }
  }
}

/** Newest-first pages, read back until `after` is reached; returned oldest first. */
async function newerEntries(
  ctx: CommandContext,
  filter: Query,
  after: string | undefined,
): Promise<Array<{ entry: AuditRow; raw: unknown }>> {
  const found: Array<{ entry: AuditRow; raw: unknown }> = [];
  let before: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data, raw } = await ctx.api.audit({ ...filter, limit: PAGE, before });
    const rawEntries = raw as unknown[];
    let reachedSeen = false;
    data.forEach((entry, i) => {
      if (after === undefined || compareAuditIds(entry.id, after) > 0)
        found.push({ entry, raw: rawEntries[i] });
      else reachedSeen = true;
    });
    if (reachedSeen || data.length < PAGE) break;
    before = data[data.length - 1].id;
  }
  return found.reverse();
}

/** Keeps a watch stream open (reconnecting) and calls `onChange` for every change event. */
async function watchForChanges(ctx: CommandContext, onChange: () => void, retryMs: number): Promise<void> {
  while (!ctx.signal.aborted) {
    try {
      const stream = await ctx.api.watch(ctx.signal);
      const parser = new SseParser();
      stream.setEncoding('utf8');
      for await (const chunk of stream) {
        if (parser.push(chunk as string).some((e) => e.event === 'change')) onChange();
      }
    } catch (error) {
      if (ctx.signal.aborted) return;
      if (error instanceof KafkaFleetError && !error.retriable) {
        ctx.out.warn(`watch stream refused (${error.message}); polling only`);
        return;
      }
    }
    await ctx.clock.sleep(retryMs, ctx.signal);
  }
}
