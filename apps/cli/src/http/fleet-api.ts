import type {
  AppInput,
  ClusterInput,
  MigrationInput,
  RebalancePlanRequestInput,
  TopicInput,
} from '@kafka-fleet/contracts';
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { UnexpectedResponseError } from '../errors/cli-errors';
import * as schema from './api-schemas';
import type { HttpTransport } from './http-transport';
import { serviceErrorFrom } from './service-errors';

export interface FleetApiOptions {
  readonly url: string;
  readonly token?: string;
  readonly timeoutMs: number;
  readonly transport: HttpTransport;
}

/** A typed answer plus the JSON exactly as the service sent it (what `--json` prints). */
export interface ApiResult<T> {
  readonly data: T;
  readonly raw: unknown;
}

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

const seg = encodeURIComponent;
const shuffles = (topic: string) => `/v1/topics/${seg(topic)}/migrations`;

/**
 * The config service's REST API as the CLI uses it. Every answer is validated against the
 * contracts, so a version skew shows up as one clear error, not as `undefined` in a table.
 */
export class FleetApi {
  constructor(private readonly options: FleetApiOptions) {}

  listClusters = () => this.listAll('/v1/clusters', schema.clusterResponse, (c) => c.id);
  getCluster = (id: string) => this.call('GET', `/v1/clusters/${seg(id)}`, schema.clusterResponse);
  createCluster = (body: ClusterInput) => this.call('POST', '/v1/clusters', schema.clusterResponse, body);
  syncCluster = (id: string) => this.call('POST', `/v1/clusters/${seg(id)}/sync`, schema.syncResult);

  listTopics = () => this.listAll('/v1/topics', schema.topicResponse, (t) => t.name);
  getTopic = (name: string) => this.call('GET', `/v1/topics/${seg(name)}`, schema.topicResponse);
  topicPartitions = (name: string) =>
    this.call('GET', `/v1/topics/${seg(name)}/partitions`, schema.partitionMetadata);
  onboardTopic = (body: TopicInput) => this.call('POST', '/v1/topics', schema.topicResponse, body);
  changePlacement = (name: string, body: { version: number; clusterId: string; physicalTopic?: string }) =>
    this.call('PUT', `/v1/topics/${seg(name)}/placement`, schema.topicResponse, body);

  startShuffle = (topic: string, body: MigrationInput) =>
    this.call('POST', shuffles(topic), schema.migration, body);
  /** Every shuffle of the topic, newest first. */
  listShuffles = (topic: string) => this.call('GET', shuffles(topic), schema.migration.array());
  getShuffle = (topic: string, id: string) =>
    this.call('GET', `${shuffles(topic)}/${seg(id)}`, schema.migration);
  abortShuffle = (topic: string, id: string) =>
    this.call('POST', `${shuffles(topic)}/${seg(id)}/abort`, schema.migration, {});
  resumeShuffle = (topic: string, id: string) =>
    this.call('POST', `${shuffles(topic)}/${seg(id)}/resume`, schema.migration, {});
  listEras = (topic: string) => this.call('GET', `/v1/topics/${seg(topic)}/eras`, schema.eraView.array());
  retireEra = (topic: string, epoch: string, force: boolean) =>
    this.call(
      'DELETE',
      `/v1/topics/${seg(topic)}/eras/${seg(epoch)}${qs({ force: force ? 'true' : undefined })}`,
      schema.eraRetirement,
    );

  listApps = () => this.listAll('/v1/apps', schema.appResponse, (a) => a.id);
  getApp = (id: string) => this.call('GET', `/v1/apps/${seg(id)}`, schema.appResponse);
  createApp = (body: AppInput) => this.call('POST', '/v1/apps', schema.appResponse, body);

  listGroups = () => this.call('GET', '/v1/groups', schema.groupSummary.array());
  getGroup = (id: string) => this.call('GET', `/v1/groups/${seg(id)}`, schema.groupView);
  pauseGroup = (id: string) => this.call('POST', `/v1/groups/${seg(id)}/pause`, schema.groupControl, {});
  resumeGroup = (id: string) => this.call('POST', `/v1/groups/${seg(id)}/resume`, schema.groupControl, {});

  listInstances = (query: Query) =>
    this.call('GET', `/v1/instances${qs(query)}`, schema.instanceView.array());
  audit = (query: Query) => this.call('GET', `/v1/audit${qs(query)}`, schema.auditEntry.array());
  resolve = (topic: string, app?: string) =>
    this.call('GET', `/v1/resolve${qs({ topic, app })}`, schema.resolvedTopic);
  proposePlan = (body: RebalancePlanRequestInput) =>
    this.call('POST', '/v1/rebalance/plans', schema.rebalancePlanResponse, body);
  getPlan = (id: string) => this.call('GET', `/v1/rebalance/plans/${seg(id)}`, schema.rebalancePlanResponse);
  planAction = (id: string, action: 'approve' | 'execute' | 'pause' | 'resume' | 'cancel') =>
    this.call('POST', `/v1/rebalance/plans/${seg(id)}/${action}`, schema.rebalancePlanResponse, {});
  whoami = () => this.call('GET', '/v1/whoami', schema.principal);

  live = () => this.call('GET', '/health/live', schema.readiness.pick({ status: true }));
  /** Readiness answers 503 with the same body when not ready: both are answers, not errors. */
  ready = () => this.call('GET', '/health/ready', schema.readiness, undefined, [503]);

  /** The SSE change feed; the caller parses and closes it. */
  async watch(signal: AbortSignal, since?: number): Promise<IncomingMessage> {
    const res = await this.options.transport.open({
      method: 'GET',
      url: `${this.options.url}/v1/watch${qs({ since })}`,
      headers: this.headers({ accept: 'text/event-stream' }),
      timeoutMs: this.options.timeoutMs,
      signal,
    });
    if (res.statusCode !== 200) {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      throw serviceErrorFrom(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
    }
    return res;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      accept: 'application/json',
      'user-agent': 'kafka-fleet-cli',
      ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      ...extra,
    };
  }

  private async call<S extends z.ZodType>(
    method: string,
    path: string,
    shape: S,
    body?: unknown,
    alsoOk: readonly number[] = [],
  ): Promise<ApiResult<z.infer<S>> & { status: number }> {
    const res = await this.options.transport.send({
      method,
      url: `${this.options.url}${path}`,
      headers: this.headers(),
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: this.options.timeoutMs,
    });
    const ok = (res.status >= 200 && res.status < 300) || alsoOk.includes(res.status);
    if (!ok) throw serviceErrorFrom(res.status, res.text);
    let raw: unknown;
    try {
      raw = JSON.parse(res.text);
    } catch (error) {
      throw new UnexpectedResponseError(`${method} ${path} answered ${res.status} without JSON`, {
        cause: error,
      });
    }
    const parsed = shape.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UnexpectedResponseError(
        `${method} ${path} answered a shape this CLI does not know (${issue?.path.join('.') || 'body'}: ${issue?.message}); is the CLI older than the service?`,
      );
    }
    return { data: parsed.data, raw, status: res.status };
  }

  /**
   * Follows HSCAN cursors to the end. HSCAN may return an entry twice while Redis rehashes, so
   * entries are de-duplicated by key; the result is sorted for stable output.
   */
  private async listAll<S extends z.ZodType>(
    path: string,
    item: S,
    key: (entry: z.infer<S>) => string,
  ): Promise<ApiResult<z.infer<S>[]>> {
    const byKey = new Map<string, { data: z.infer<S>; raw: unknown }>();
    let cursor = '0';
    do {
      const { data, raw } = await this.call(
        'GET',
        `${path}${qs({ cursor, limit: 1000 })}`,
        schema.page(item),
      );
      const rawItems = (raw as { items: unknown[] }).items;
      data.items.forEach((entry, i) => byKey.set(key(entry), { data: entry, raw: rawItems[i] }));
      cursor = data.nextCursor;
    } while (cursor !== '0');
    const sorted = [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
    return { data: sorted.map((v) => v.data), raw: sorted.map((v) => v.raw) };
  }
}

function qs(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
