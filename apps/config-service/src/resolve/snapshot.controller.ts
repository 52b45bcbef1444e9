import { createHash } from 'node:crypto';
import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { AppSnapshot, ResolvedTopic } from '@kafka-fleet/contracts';
import { NotFoundError, ValidationError, buildSnapshot, resolveTopic } from '@kafka-fleet/core';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/auth.guard';
import { ForbiddenError, assertActsFor, type Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { FleetRepository } from '../storage/fleet.repository';

/** What clients read to route: a whole-app snapshot, or one topic resolved. */
@Controller('v1')
export class SnapshotController {
  constructor(private readonly repo: FleetRepository) {}

  /**
   * The ETag covers the routing content, not the global version: a change elsewhere in the fleet
   * bumps the version without changing this app's routing, and the client gets its cheap 304.
   */
  @Get('apps/:id/snapshot')
  @Allow('operator', 'app')
  async snapshot(
    @Param('id') id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @CurrentPrincipal() who: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    assertActsFor(who, id);
    const inputs = await this.repo.snapshotInputs(id);
    if (!inputs) throw new NotFoundError('app', id);
    const snapshot = buildSnapshot(
      inputs.version,
      inputs.app,
      new Map(inputs.topics.map((t) => [t.name, t])),
      new Map(inputs.clusters.map((c) => [c.id, c])),
      inputs.pausedGroups,
    );
    const etag = snapshotEtag(snapshot);
    void reply
      .header('ETag', etag)
      .header('X-Config-Version', String(snapshot.version))
      .header('Cache-Control', 'no-cache');
    if (ifNoneMatch === etag) {
      void reply.status(304).send();
      return;
    }
    void reply.send(snapshot);
  }

  @Get('resolve')
  @Allow('operator', 'app')
  async resolve(
    @Query('topic') topic: string | undefined,
    @Query('app') appId: string | undefined,
    @CurrentPrincipal() who: Principal,
  ): Promise<ResolvedTopic & { version: number }> {
    if (!topic)
      throw new ValidationError('query parameter topic is required', [
        { path: 'topic', reason: 'is required' },
      ]);
    const app = who.role === 'app' ? who.app : appId;
    if (app) {
      assertActsFor(who, app);
      const profile = await this.repo.require('app', app);
      if (!profile.topics[topic]) throw new ForbiddenError(`app "${app}" has no access to topic "${topic}"`);
    }
    const inputs = await this.repo.resolveInputs(topic);
    if (!inputs) throw new NotFoundError('topic', topic);
    return { ...resolveTopic(inputs.topic, inputs.cluster, inputs.sourceCluster), version: inputs.version };
  }
}

export function snapshotEtag(snapshot: AppSnapshot): string {
  const { version: _ignored, ...routing } = snapshot;
  return `"${createHash('sha1').update(JSON.stringify(routing)).digest('base64url')}"`;
}
