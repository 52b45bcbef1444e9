import { Injectable } from '@nestjs/common';
import { appInput, type App } from '@kafka-fleet/contracts';
import { ValidationError, checkConfigOverrides, validate } from '@kafka-fleet/core';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { FleetRepository } from '../storage/fleet.repository';
import { stamp } from '../storage/stamp';

const versionOnly = z.object({ version: z.number().int().nonnegative() });

@Injectable()
export class AppsService {
  constructor(private readonly repo: FleetRepository) {}

  async create(body: unknown, actor: Principal): Promise<App> {
    const input = validate(appInput, body);
    checkConfigOverrides(input.configOverrides);
    const app: App = stamp(input);
    await this.repo.mutate({
      kind: 'app',
      op: 'create',
      id: app.id,
      expectedVersion: -1,
      entity: app,
      actor: actor.name,
      detail: { topics: Object.keys(app.topics).length, backend: app.backend },
    });
    return app;
  }

  /** Full replacement with compare-and-set on `version`. */
  async update(id: string, body: unknown, actor: Principal): Promise<App> {
    const { version, ...rest } = (body ?? {}) as { version?: unknown };
    validate(versionOnly, { version });
    const input = validate(appInput, rest);
    if (input.id !== id)
      throw new ValidationError('id in body does not match the URL', [
        { path: 'id', reason: `must be "${id}"` },
      ]);
    checkConfigOverrides(input.configOverrides);
    const current = await this.repo.require('app', id);
    const app: App = stamp(input, { version: version as number, createdAt: current.createdAt });
    await this.repo.mutate({
      kind: 'app',
      op: 'update',
      id,
      expectedVersion: version as number,
      entity: app,
      actor: actor.name,
      detail: { topics: Object.keys(app.topics).length, backend: app.backend },
    });
    return app;
  }

  async remove(id: string, version: number | undefined, actor: Principal): Promise<void> {
    await this.repo.mutate({
      kind: 'app',
      op: 'delete',
      id,
      expectedVersion: version ?? -1,
      actor: actor.name,
    });
  }
}
