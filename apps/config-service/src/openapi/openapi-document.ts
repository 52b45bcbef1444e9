import {
  appInput,
  clusterInput,
  heartbeatInput,
  migrationInput,
  rebalancePlanRequest,
  topicInput,
  topicPatch,
} from '@kafka-fleet/contracts';
import { z } from 'zod';

/**
 * OpenAPI 3.1 built from the same zod schemas that validate requests, so the document cannot drift
 * from what the service accepts. Served at /docs (UI) and /docs/json.
 */
type Op = {
  summary: string;
  roles: string;
  body?: string;
  query?: string[];
  path?: string[];
  responses?: Record<string, string>;
};

const OPS: Record<string, Record<string, Op>> = {
  '/v1/clusters': {
    get: { summary: 'List clusters (HSCAN pages)', roles: 'operator', query: ['cursor', 'limit'] },
    post: { summary: 'Register a cluster', roles: 'operator', body: 'ClusterInput' },
  },
  '/v1/clusters/{id}': {
    get: { summary: 'Get a cluster', roles: 'operator', path: ['id'] },
    put: {
      summary: 'Replace a cluster (compare-and-set on version)',
      roles: 'operator',
      path: ['id'],
      body: 'ClusterUpdate',
    },
    delete: {
      summary: 'Delete a cluster with no topics placed on it',
      roles: 'admin',
      path: ['id'],
      query: ['version'],
    },
  },
  '/v1/clusters/{id}/sync': {
    post: { summary: 'Sync partition metadata from the live cluster now', roles: 'operator', path: ['id'] },
  },
  '/v1/topics': {
    get: { summary: 'List logical topics', roles: 'operator', query: ['cursor', 'limit'] },
    post: {
      summary: 'Onboard a logical topic (creates the physical topic idempotently)',
      roles: 'operator',
      body: 'TopicInput',
    },
  },
  '/v1/topics/{name}': {
    get: { summary: 'Get a logical topic', roles: 'operator', path: ['name'] },
    patch: {
      summary: 'Change owner (compare-and-set on version)',
      roles: 'operator',
      path: ['name'],
      body: 'TopicPatch',
    },
    delete: {
      summary: 'Remove a logical topic (the physical topic is kept)',
      roles: 'admin',
      path: ['name'],
      query: ['version'],
    },
  },
  '/v1/topics/{name}/placement': {
    put: { summary: 'Re-point a topic and bump its epoch', roles: 'operator', path: ['name'] },
  },
  '/v1/topics/{name}/partitions': {
    get: { summary: 'Last synced partition metadata', roles: 'operator', path: ['name'] },
  },
  '/v1/topics/{name}/migrations': {
    get: { summary: 'Shuffles of a topic, newest first', roles: 'operator', path: ['name'] },
    post: {
      summary: 'Start a shuffle (move the topic to another cluster); 202, follow it with GET',
      roles: 'operator',
      path: ['name'],
      body: 'MigrationInput',
    },
  },
  '/v1/topics/{name}/migrations/{id}': {
    get: {
      summary: 'A shuffle: phase, history, groups, fence, sweep',
      roles: 'operator',
      path: ['name', 'id'],
    },
  },
  '/v1/topics/{name}/migrations/{id}/abort': {
    post: { summary: 'Abort a shuffle before producers moved', roles: 'operator', path: ['name', 'id'] },
  },
  '/v1/topics/{name}/migrations/{id}/resume': {
    post: { summary: 'Release a shuffle held at a phase', roles: 'operator', path: ['name', 'id'] },
  },
  '/v1/topics/{name}/eras': {
    get: {
      summary:
        'Earlier placements shuffles left behind, with every group Kafka knows there and what it has not read',
      roles: 'operator',
      path: ['name'],
    },
  },
  '/v1/topics/{name}/eras/{epoch}': {
    delete: {
      summary:
        'Retire an era (delete its physical topic); 409 while a group has not passed its fence, unless force=true',
      roles: 'operator',
      path: ['name', 'epoch'],
      query: ['force'],
    },
  },
  '/v1/apps': {
    get: { summary: 'List applications', roles: 'operator', query: ['cursor', 'limit'] },
    post: { summary: 'Create an application profile', roles: 'operator', body: 'AppInput' },
  },
  '/v1/apps/{id}': {
    get: { summary: 'Get an application profile', roles: 'operator', path: ['id'] },
    put: {
      summary: 'Replace an application profile (compare-and-set on version)',
      roles: 'operator',
      path: ['id'],
      body: 'AppInput',
    },
    delete: { summary: 'Delete an application profile', roles: 'admin', path: ['id'], query: ['version'] },
  },
  '/v1/apps/{id}/snapshot': {
    get: {
      summary: "The app's routing snapshot; ETag / If-None-Match gives 304",
      roles: 'operator, app (own)',
      path: ['id'],
      responses: { '304': 'unchanged' },
    },
  },
  '/v1/resolve': {
    get: {
      summary: 'Resolve one logical topic',
      roles: 'operator, app (own topics)',
      query: ['topic', 'app'],
    },
  },
  '/v1/groups': {
    get: {
      summary: 'Consumer groups known from heartbeats or paused: members, states, storms',
      roles: 'operator',
    },
  },
  '/v1/groups/{id}': {
    get: {
      summary: 'A consumer group: members, assignment, committed offsets and lag per partition',
      roles: 'operator',
      path: ['id'],
    },
  },
  '/v1/groups/{id}/pause': {
    post: {
      summary: 'Pause every member of a consumer group (via the watch stream)',
      roles: 'operator',
      path: ['id'],
    },
  },
  '/v1/groups/{id}/resume': {
    post: { summary: 'Resume a paused consumer group', roles: 'operator', path: ['id'] },
  },
  '/v1/instances/heartbeat': {
    post: { summary: 'Renew an instance lease', roles: 'operator, app (own)', body: 'Heartbeat' },
  },
  '/v1/instances': {
    get: {
      summary: 'Live instances with applied epochs and lag',
      roles: 'operator',
      query: ['app', 'topic', 'lagging'],
    },
  },
  '/v1/load': {
    get: {
      summary:
        'Fleet load: per cluster capacity, load and utilisation; per topic rates, partitions, estimated size',
      roles: 'operator',
    },
  },
  '/v1/rebalance/plans': {
    get: { summary: 'Rebalance plans, newest first', roles: 'operator' },
    post: {
      summary: 'Propose a plan (dry run against the current load; stored as proposed)',
      roles: 'operator',
      body: 'RebalancePlanRequest',
    },
  },
  '/v1/rebalance/plans/{id}': {
    get: { summary: 'A plan with the progress of each move', roles: 'operator', path: ['id'] },
  },
  '/v1/rebalance/plans/{id}/approve': {
    post: { summary: 'Approve a proposed plan', roles: 'operator', path: ['id'] },
  },
  '/v1/rebalance/plans/{id}/execute': {
    post: {
      summary: 'Execute an approved plan as shuffles, wave by wave (202)',
      roles: 'operator',
      path: ['id'],
    },
  },
  '/v1/rebalance/plans/{id}/pause': {
    post: { summary: 'Start no new moves; running shuffles finish', roles: 'operator', path: ['id'] },
  },
  '/v1/rebalance/plans/{id}/resume': {
    post: { summary: 'Resume a paused plan', roles: 'operator', path: ['id'] },
  },
  '/v1/rebalance/plans/{id}/cancel': {
    post: {
      summary: 'Cancel a plan; running shuffles finish, no new ones start',
      roles: 'operator',
      path: ['id'],
    },
  },
  '/v1/audit': {
    get: {
      summary: 'Audit log, newest first',
      roles: 'operator',
      query: ['limit', 'before', 'kind', 'entity'],
    },
  },
  '/v1/watch': {
    get: {
      summary: 'Change feed as Server-Sent Events (resume with since / Last-Event-ID)',
      roles: 'operator, app',
      query: ['since'],
    },
  },
  '/v1/whoami': {
    get: { summary: 'The principal (name, role, app) the bearer token maps to', roles: 'operator, app' },
  },
  '/health/live': { get: { summary: 'Liveness', roles: 'public' } },
  '/health/ready': {
    get: { summary: 'Readiness: Redis and at least one cluster reachable', roles: 'public' },
  },
  '/metrics': { get: { summary: 'Prometheus metrics', roles: 'public' } },
  '/docs/json': { get: { summary: 'This document', roles: 'public' } },
};

type OpenApiDocument = {
  openapi: string;
  info: object;
  paths: Record<string, Record<string, unknown>>;
  components: object;
};

export function buildOpenApiDocument(): OpenApiDocument {
  const schemas = {
    ClusterInput: clusterInput,
    ClusterUpdate: clusterInput.extend({ version: z.number().int().nonnegative() }),
    TopicInput: topicInput,
    TopicPatch: topicPatch,
    MigrationInput: migrationInput,
    AppInput: appInput,
    Heartbeat: heartbeatInput,
    RebalancePlanRequest: rebalancePlanRequest,
  };
  const paths: OpenApiDocument['paths'] = {};
  for (const [path, ops] of Object.entries(OPS)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(ops)) {
      paths[path][method] = {
        summary: op.summary,
        description: `Roles: ${op.roles}.`,
        security: op.roles === 'public' ? [] : [{ bearer: [] }],
        parameters: [
          ...(op.path ?? []).map((name) => ({
            name,
            in: 'path',
            required: true,
            schema: { type: 'string' },
          })),
          ...(op.query ?? []).map((name) => ({
            name,
            in: 'query',
            required: false,
            schema: { type: 'string' },
          })),
        ],
        ...(op.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body}` } } },
              },
            }
          : {}),
        responses: {
          '200': { description: 'OK' },
          '400': { description: 'Invalid input, with field-level reasons' },
          '401': { description: 'Missing or unknown token' },
          '403': { description: 'Role or app scope does not allow this' },
          '409': { description: 'Stale version or already exists' },
          ...Object.fromEntries(
            Object.entries(op.responses ?? {}).map(([code, description]) => [code, { description }]),
          ),
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'kafka-fleet config service', version: '1' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: Object.fromEntries(
        Object.entries(schemas).map(([name, schema]) => [
          name,
          z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
        ]),
      ),
    },
  };
}
