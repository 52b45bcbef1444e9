import { Controller, Get, Headers, Inject, Query, Req, Res } from '@nestjs/common';
import type { ChangeEvent } from '@kafka-fleet/contracts';
import { planReplay } from '@kafka-fleet/core';
import type { FastifyReply } from 'fastify';
import { Allow, type AuthedRequest } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICE_CONFIG } from '../config/config.tokens';
import type { ServiceConfig } from '../config/service-config';
import { optionalIntQuery } from '../http/query';
import { FleetRepository } from '../storage/fleet.repository';
import { ChangeFeedService } from './change-feed.service';

/** A watcher whose socket holds this much unsent data is too slow: told to resync, then dropped. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Server-Sent Events. `since` (or `Last-Event-ID` on reconnect) resumes after that version; if the
 * feed no longer holds those changes the stream says `resync` and the client refetches its
 * snapshot. App tokens only see changes relevant to their app.
 */
@Controller('v1')
export class WatchController {
  constructor(
    private readonly feed: ChangeFeedService,
    private readonly repo: FleetRepository,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Get('watch')
  @Allow('operator', 'app')
  async watch(
    @Query('since') sinceQuery: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentPrincipal() who: Principal,
    @Req() request: AuthedRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const since = optionalIntQuery('since', lastEventId ?? sinceQuery, 0, Number.MAX_SAFE_INTEGER);
    const relevant = await this.relevanceFilter(who);
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });

    let lastSent = since ?? 0;
    let live = false;
    const buffered: ChangeEvent[] = [];
    const write = (text: string) => {
      if (!raw.writableEnded) raw.write(text);
    };
    const close = (event?: string, data?: object) => {
      if (event) write(`event: ${event}\ndata: ${JSON.stringify(data ?? {})}\n\n`);
      if (!raw.writableEnded) raw.end();
    };
    const send = (e: ChangeEvent) => {
      if (e.version <= lastSent) return;
      lastSent = e.version;
      if (!relevant(e)) return;
      if (raw.writableLength > MAX_BUFFERED_BYTES)
        return close('resync', { reason: 'watcher too slow', version: lastSent });
      write(`id: ${e.version}\nevent: change\ndata: ${JSON.stringify(e)}\n\n`);
    };
    // Subscribe before reading history, so nothing committed in between is missed.
    const unsubscribe = this.feed.subscribe((e) => {
      if (e === 'shutdown') return close('shutdown', { reason: 'service shutting down; reconnect' });
      if (live) send(e);
      else buffered.push(e);
    });
    const keepalive = setInterval(() => write(': keepalive\n\n'), this.config.watchKeepaliveMs);
    const cleanup = () => {
      clearInterval(keepalive);
      unsubscribe();
    };
    raw.on('close', cleanup);
    request.raw.on('close', cleanup);
    // The client left while we were setting up, or the feed already said `shutdown`.
    if (raw.destroyed || raw.writableEnded) return cleanup();

    try {
      const current = await this.repo.currentVersion();
      write(`event: hello\ndata: ${JSON.stringify({ version: current })}\n\n`);
      if (since === undefined) lastSent = current;
      else {
        const plan = planReplay(since, await this.repo.oldestRetainedChange(), current);
        if (plan.kind === 'resync') return close('resync', { reason: plan.reason, version: current });
        for (
          let page = await this.repo.changesAfter(lastSent);
          page.length > 0;
          page = await this.repo.changesAfter(lastSent)
        ) {
          page.forEach(send);
        }
      }
    } catch {
      // Redis failed mid-replay: a hijacked reply cannot become a 5xx, so tell the client to resync.
      return close('resync', { reason: 'the service could not read its change feed; refetch and reconnect' });
    }
    buffered.splice(0).forEach(send);
    live = true;
  }

  private async relevanceFilter(who: Principal): Promise<(e: ChangeEvent) => boolean> {
    if (who.role !== 'app' || !who.app) return () => true;
    const appId = who.app;
    let topics = new Set(Object.keys((await this.repo.get('app', appId))?.topics ?? {}));
    return (e) => {
      if (e.kind === 'app' && e.id === appId) {
        void this.repo
          .get('app', appId)
          .then((a) => (topics = new Set(Object.keys(a?.topics ?? {}))))
          .catch(() => undefined); // keep the old set; the next app change retries
        return true;
      }
      // Group controls reach every app: which apps run a group is known only from heartbeats.
      return e.kind === 'cluster' || e.kind === 'group' || (e.kind === 'topic' && topics.has(e.id));
    };
  }
}
