import { Inject, Injectable } from '@nestjs/common';
import type {
  App,
  AuditEntry,
  ChangeEvent,
  ChangeKind,
  Cluster,
  GroupControl,
  Topic,
} from '@kafka-fleet/contracts';
import { ConflictError, NotFoundError, ValidationError } from '@kafka-fleet/core';
import { SERVICE_CONFIG } from '../config/config.tokens';
import type { ServiceConfig } from '../config/service-config';
import { ENTITY_HASH, FleetKeys, type EntityKind } from './fleet-keys';
import { MUTATE_SCRIPT, RESOLVE_SCRIPT, SNAPSHOT_SCRIPT } from './fleet-scripts';
import type { RedisClient } from './redis-client.factory';
import { LeaseLostError } from './redis-leases';
import { REDIS_CLIENT, REDIS_TIMER, type RedisTimer } from './redis-timer';

const SCRIPTS = {
  fleetMutate: MUTATE_SCRIPT,
  fleetSnapshot: SNAPSHOT_SCRIPT,
  fleetResolve: RESOLVE_SCRIPT,
} as const;

export type Entity = { cluster: Cluster; topic: Topic; app: App; group: GroupControl };
type Guard =
  | { t: 'exists'; key: string; f: string; path: string }
  | { t: 'empty'; key: string; path: string }
  /** The lease at `key` must be held by `v` (the writer): see LEASE_LOST. */
  | { t: 'holds'; key: string; v: string; path: string };
/** Side writes made in the same atomic step as the entity (indexes, the migration record). */
export type IndexOp =
  | { op: 'sadd' | 'srem' | 'hdel'; key: string; m: string }
  | { op: 'hset'; key: string; m: string; v: string };

export interface Mutation<K extends EntityKind> {
  readonly kind: K;
  readonly op: 'create' | 'update' | 'delete';
  readonly id: string;
  /** The version the caller read; -1 skips the check (creates, forced deletes). */
  readonly expectedVersion: number;
  readonly entity?: Entity[K];
  readonly actor: string;
  readonly guards?: Guard[];
  readonly indexOps?: IndexOp[];
  readonly detail?: Record<string, unknown>;
}

/** The only place that talks to Redis about fleet metadata. */
@Injectable()
export class FleetRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(REDIS_TIMER) private readonly timer: RedisTimer,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {
    // EVALSHA with a transparent EVAL fallback: the script body is sent once per connection.
    for (const [name, lua] of Object.entries(SCRIPTS)) this.redis.defineCommand(name, { lua });
  }

  private run(name: keyof typeof SCRIPTS, keys: string[], args: string[]): Promise<unknown> {
    const command = (
      this.redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>
    )[name];
    return this.timer.time(`script:${name}`, () => command.call(this.redis, keys.length, ...keys, ...args));
  }

  async get<K extends EntityKind>(kind: K, id: string): Promise<Entity[K] | undefined> {
    const raw = await this.timer.time('hget', () => this.redis.hget(ENTITY_HASH[kind], id));
    return raw ? (JSON.parse(raw) as Entity[K]) : undefined;
  }

  async require<K extends EntityKind>(kind: K, id: string): Promise<Entity[K]> {
    const entity = await this.get(kind, id);
    if (!entity) throw new NotFoundError(kind, id);
    return entity;
  }

  async getMany<K extends EntityKind>(kind: K, ids: readonly string[]): Promise<Map<string, Entity[K]>> {
    const out = new Map<string, Entity[K]>();
    if (ids.length === 0) return out;
    const raws = await this.timer.time('hmget', () => this.redis.hmget(ENTITY_HASH[kind], ...ids));
    raws.forEach((raw, i) => raw && out.set(ids[i], JSON.parse(raw) as Entity[K]));
    return out;
  }

  /** A page of entities in Redis' HSCAN order; pass `nextCursor` back until it is '0'. */
  async list<K extends EntityKind>(
    kind: K,
    cursor: string,
    limit: number,
  ): Promise<{ items: Entity[K][]; nextCursor: string }> {
    const [nextCursor, flat] = await this.timer.time('hscan', () =>
      this.redis.hscan(ENTITY_HASH[kind], cursor, 'COUNT', limit),
    );
    const items: Entity[K][] = [];
    for (let i = 1; i < flat.length; i += 2) items.push(JSON.parse(flat[i]) as Entity[K]);
    return { items, nextCursor };
  }

  async members(setKey: string): Promise<string[]> {
    return this.timer.time('smembers', () => this.redis.smembers(setKey));
  }

  async currentVersion(): Promise<number> {
    return Number((await this.timer.time('get', () => this.redis.get(FleetKeys.version))) ?? 0);
  }

  /** Applies a mutation atomically; maps the script's refusals to typed errors. */
  async mutate<K extends EntityKind>(m: Mutation<K>): Promise<number> {
    const extraKeys: string[] = [];
    const slot = (key: string) => {
      const at = extraKeys.indexOf(key);
      if (at >= 0) return at + 5;
      extraKeys.push(key);
      return extraKeys.length + 4;
    };
    const guards = (m.guards ?? []).map((g) => ({ ...g, k: slot(g.key), key: undefined }));
    const indexOps = (m.indexOps ?? []).map((x) => ({ ...x, key: undefined, k: slot(x.key) }));
    const keys = [ENTITY_HASH[m.kind], FleetKeys.version, FleetKeys.changes, FleetKeys.audit, ...extraKeys];
    const args = [
      m.op,
      m.id,
      String(m.expectedVersion),
      m.entity ? JSON.stringify(m.entity) : '',
      m.kind,
      m.actor,
      new Date().toISOString(),
      JSON.stringify(guards),
      JSON.stringify(indexOps),
      String(this.config.changesMaxLen),
      String(this.config.auditMaxLen),
      JSON.stringify(m.detail ?? {}),
    ];
    const [status, info, n] = (await this.run('fleetMutate', keys, args)) as [string, string, number];
    switch (status) {
      case 'OK':
        return n;
      case 'NOT_FOUND':
        throw new NotFoundError(m.kind, m.id);
      case 'CONFLICT':
        throw info === 'exists'
          ? new ConflictError(`${m.kind} "${m.id}" already exists`, n)
          : new ConflictError(`${m.kind} "${m.id}" changed since version ${m.expectedVersion} (now ${n})`, n);
      case 'MISSING_REF':
        throw new ValidationError(`${info} refers to something that does not exist`, [
          { path: info, reason: 'does not exist' },
        ]);
      case 'IN_USE':
        throw new ConflictError(`${m.kind} "${m.id}" is still in use by ${n} ${info}`);
      case 'LEASE_LOST':
        throw new LeaseLostError(info, 'another replica holds it; the write was refused');
      default:
        throw new Error(`unexpected mutation result ${status}`);
    }
  }

  async snapshotInputs(
    appId: string,
  ): Promise<
    { version: number; app: App; topics: Topic[]; clusters: Cluster[]; pausedGroups: string[] } | undefined
  > {
    const keys = [FleetKeys.apps, FleetKeys.topics, FleetKeys.clusters, FleetKeys.version, FleetKeys.groups];
    const out = (await this.run('fleetSnapshot', keys, [appId])) as Array<string | number>;
    if (out.length === 0) return undefined;
    const topicCount = Number(out[2]);
    const parse = <T>(raw: string | number) => JSON.parse(String(raw)) as T;
    return {
      version: Number(out[0]),
      app: parse<App>(out[1]),
      pausedGroups: String(out[3]).split('\n').filter(Boolean),
      topics: out.slice(4, 4 + topicCount).map((raw) => parse<Topic>(raw)),
      clusters: out.slice(4 + topicCount).map((raw) => parse<Cluster>(raw)),
    };
  }

  async resolveInputs(
    topicName: string,
  ): Promise<{ version: number; topic: Topic; cluster?: Cluster; sourceCluster?: Cluster } | undefined> {
    const keys = [FleetKeys.topics, FleetKeys.clusters, FleetKeys.version];
    const out = (await this.run('fleetResolve', keys, [topicName])) as Array<string | number>;
    if (out.length === 0) return undefined;
    return {
      version: Number(out[0]),
      topic: JSON.parse(String(out[1])) as Topic,
      cluster: out[2] ? (JSON.parse(String(out[2])) as Cluster) : undefined,
      sourceCluster: out[3] ? (JSON.parse(String(out[3])) as Cluster) : undefined,
    };
  }

  /** Change-feed entries with version > `after`, oldest first. */
  async changesAfter(after: number, count = 1000): Promise<ChangeEvent[]> {
    const entries = await this.timer.time('xrange', () =>
      this.redis.xrange(FleetKeys.changes, `${after + 1}-0`, '+', 'COUNT', count),
    );
    return entries.map(([, fields]) => toChange(fields));
  }

  async oldestRetainedChange(): Promise<number | undefined> {
    const [first] = await this.timer.time('xrange', () =>
      this.redis.xrange(FleetKeys.changes, '-', '+', 'COUNT', 1),
    );
    return first ? Number(first[0].split('-')[0]) : undefined;
  }

  async audit(
    limit: number,
    before?: string,
    filter?: { kind?: string; entity?: string },
  ): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let end = before ? `(${before}` : '+';
    // Filtering happens after the read, so page through until enough entries match.
    for (let pages = 0; pages < 50 && out.length < limit; pages++) {
      const entries = await this.timer.time('xrevrange', () =>
        this.redis.xrevrange(FleetKeys.audit, end, '-', 'COUNT', 500),
      );
      if (entries.length === 0) break;
      for (const [id, fields] of entries) {
        const entry = toAudit(id, fields);
        if (
          (!filter?.kind || entry.kind === filter.kind) &&
          (!filter?.entity || entry.entity === filter.entity)
        )
          out.push(entry);
        if (out.length === limit) break;
      }
      end = `(${entries[entries.length - 1][0]}`;
    }
    return out;
  }

  async putPartitions(topicName: string, json: string): Promise<void> {
    await this.timer.time('hset', () => this.redis.hset(FleetKeys.partitions, topicName, json));
  }

  async getPartitions(topicName: string): Promise<string | null> {
    return this.timer.time('hget', () => this.redis.hget(FleetKeys.partitions, topicName));
  }

  async ping(): Promise<boolean> {
    return (await this.timer.time('ping', () => this.redis.ping())) === 'PONG';
  }
}

export function fieldsToObject(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) out[fields[i]] = fields[i + 1];
  return out;
}

export function toChange(fields: string[]): ChangeEvent {
  const f = fieldsToObject(fields);
  return {
    version: Number(f.version),
    kind: f.kind as ChangeKind,
    id: f.id,
    op: f.op as ChangeEvent['op'],
    at: f.at,
  };
}

function toAudit(id: string, fields: string[]): AuditEntry {
  const f = fieldsToObject(fields);
  return {
    id,
    at: f.at,
    actor: f.actor,
    action: f.action,
    kind: f.kind,
    entity: f.entity,
    version: Number(f.version),
    detail: f.detail ? (JSON.parse(f.detail) as Record<string, unknown>) : undefined,
  };
}
