import { Injectable } from '@nestjs/common';
import { clusterInput, type Cluster } from '@kafka-fleet/contracts';
import { ValidationError, validate } from '@kafka-fleet/core';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { FleetKeys } from '../storage/fleet-keys';
import { FleetRepository } from '../storage/fleet.repository';
import { stamp } from '../storage/stamp';

const clusterUpdate = clusterInput.extend({ version: z.number().int().nonnegative() });

@Injectable()
export class ClustersService {
  constructor(private readonly repo: FleetRepository) {}

  async create(body: unknown, actor: Principal): Promise<Cluster> {
    const input = validate(clusterInput, body);
    const cluster: Cluster = stamp(input);
    await this.repo.mutate({
      kind: 'cluster',
      op: 'create',
      id: input.id,
      expectedVersion: -1,
      entity: cluster,
      actor: actor.name,
      detail: { bootstrapServers: input.bootstrapServers },
    });
    return cluster;
  }

  /** Full replacement with compare-and-set on `version`. */
  async update(id: string, body: unknown, actor: Principal): Promise<Cluster> {
    const { version, ...input } = validate(clusterUpdate, body);
    if (input.id !== id)
      throw new ValidationError('id in body does not match the URL', [
        { path: 'id', reason: `must be "${id}"` },
      ]);
    const current = await this.repo.require('cluster', id);
    const cluster: Cluster = stamp(input, { version, createdAt: current.createdAt });
    await this.repo.mutate({
      kind: 'cluster',
      op: 'update',
      id,
      expectedVersion: version,
      entity: cluster,
      actor: actor.name,
      detail: { status: input.status },
    });
    return cluster;
  }

  /** Refused while any logical topic is placed on the cluster. */
  async remove(id: string, version: number | undefined, actor: Principal): Promise<void> {
    await this.repo.mutate({
      kind: 'cluster',
      op: 'delete',
      id,
      expectedVersion: version ?? -1,
      actor: actor.name,
      guards: [{ t: 'empty', key: FleetKeys.placement(id), path: 'topics placed on it' }],
    });
  }
}
