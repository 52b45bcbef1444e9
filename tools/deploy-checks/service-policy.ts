import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import {
  ConfigError,
  loadServiceConfig,
  type ServiceConfig,
} from '../../apps/config-service/src/config/service-config';
import { findGetRoute, type AppRoute } from './app-routes';
import type { Finding, K8sObject } from './manifest-render';
import { imageRepository, probesOf, selects, type Workload } from './workload-policy';

export const SERVICE_IMAGE = 'kafka-fleet/config-service';
const SERVICE_CONFIG_SOURCE = join(__dirname, '../../apps/config-service/src/config/service-config.ts');

/** The KF_* variables the service reads, straight from its config loader's source. */
export function knownServiceVariables(): Set<string> {
  return new Set(readFileSync(SERVICE_CONFIG_SOURCE, 'utf8').match(/\bKF_[A-Z0-9_]+\b/g) ?? []);
}

/**
 * Checks the config-service pods against the service itself: the environment they get must pass
 * its boot-time validation, its probes and listen port must be real, and its shutdown must fit in
 * the pod's grace period.
 */
export function checkConfigService(
  objects: readonly K8sObject[],
  workloads: readonly Workload[],
  routes: readonly AppRoute[],
): Finding[] {
  const runs = workloads.filter((w) =>
    w.pod.containers.some((c) => imageRepository(c.image ?? '') === SERVICE_IMAGE),
  );
  if (runs.length === 0) return [{ where: 'overlay', problem: `no workload runs ${SERVICE_IMAGE}` }];
  return runs.flatMap((workload) =>
    workload.pod.containers
      .filter((c) => imageRepository(c.image ?? '') === SERVICE_IMAGE)
      .flatMap((container) =>
        checkContainer(objects, workload, container, routes).map((problem) => ({
          where: `${workload.name} container ${container.name}`,
          problem,
        })),
      ),
  );
}

function checkContainer(
  objects: readonly K8sObject[],
  workload: Workload,
  container: IContainer,
  routes: readonly AppRoute[],
): string[] {
  const problems: string[] = [];
  for (const [name, probe] of probesOf(container)) {
    const path = probe.httpGet?.path;
    if (path === undefined) continue;
    const route = findGetRoute(routes, path);
    if (!route) problems.push(`${name} path ${path} is not a GET route of the service`);
    else if (!route.public) problems.push(`${name} path ${path} needs a bearer token: the kubelet has none`);
  }
  if (!container.livenessProbe?.httpGet) problems.push('livenessProbe must ask an HTTP health route');
  if (!container.readinessProbe?.httpGet) problems.push('readinessProbe must ask an HTTP health route');

  const env = environmentOf(objects, workload, container, problems);
  const unknown = Object.keys(env).filter((k) => k.startsWith('KF_') && !knownServiceVariables().has(k));
  for (const name of unknown) problems.push(`env ${name} is not read by the service (misspelt?)`);
  const config = bootConfig(env, problems);
  if (!config) return problems;

  if (config.host !== '0.0.0.0' && config.host !== '::') {
    problems.push(
      `KF_HOST=${config.host}: the service would not accept the kubelet's or the Service's connections`,
    );
  }
  if (!(container.ports ?? []).some((p) => p.containerPort === config.port)) {
    problems.push(`the service listens on ${config.port} (KF_PORT) but the container declares no such port`);
  }
  for (const [name, probe] of probesOf(container)) {
    const port = probe.httpGet?.port;
    const resolved = (container.ports ?? []).find((p) => p.name === port || p.containerPort === port);
    if (port !== undefined && resolved && resolved.containerPort !== config.port) {
      problems.push(`${name} port ${port} is ${resolved.containerPort}, not the listen port ${config.port}`);
    }
  }
  problems.push(...checkGracePeriod(workload, container, config));
  problems.push(...checkRedisReachable(objects, workload, config));
  return problems;
}

function environmentOf(
  objects: readonly K8sObject[],
  workload: Workload,
  container: IContainer,
  problems: string[],
): Record<string, string> {
  const configMap = (name: string) =>
    objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)?.data as
      Record<string, string> | undefined;
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (name === undefined) continue;
    const data = configMap(name);
    if (data) Object.assign(env, data);
    else problems.push(`envFrom ConfigMap ${name} is not part of this overlay`);
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (from?.configMapKeyRef) {
      const value = configMap(from.configMapKeyRef.name ?? '')?.[from.configMapKeyRef.key];
      if (value === undefined) problems.push(`env ${variable.name}: ConfigMap key not found`);
      else env[variable.name] = value;
    } else if (from?.secretKeyRef) {
      // Created out of band; its value only has to exist for the loader to accept the reference.
      env[variable.name] = `secret:${from.secretKeyRef.name}/${from.secretKeyRef.key}`;
    } else {
      env[variable.name] = variable.value ?? '';
    }
  }
  const tokensFile = env.KF_AUTH_TOKENS_FILE;
  if (tokensFile === undefined) {
    problems.push('KF_AUTH_TOKENS_FILE is not set: with no tokens every API call is refused');
  } else if (!mountedFromSecret(workload, container, tokensFile)) {
    problems.push(`KF_AUTH_TOKENS_FILE ${tokensFile} is not a file of a mounted Secret`);
  }
  return env;
}

function mountedFromSecret(workload: Workload, container: IContainer, file: string): boolean {
  const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === dirname(file));
  const secret = workload.pod.volumes?.find((v) => v.name === mount?.name)?.secret;
  if (!secret?.secretName) return false;
  return secret.items === undefined || secret.items.some((item) => item.path === basename(file));
}

/** Runs the service's own loader; the token file's content comes from the cluster, so an empty list. */
function bootConfig(env: Record<string, string>, problems: string[]): ServiceConfig | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'kf-tokens-'));
  try {
    const tokens = join(dir, 'tokens.json');
    writeFileSync(tokens, '[]');
    const withTokens = env.KF_AUTH_TOKENS_FILE ? { ...env, KF_AUTH_TOKENS_FILE: tokens } : env;
    return loadServiceConfig(withTokens);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(`the service would exit 78 at boot: ${error.message}`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkGracePeriod(workload: Workload, container: IContainer, config: ServiceConfig): string[] {
  const graceMs = (workload.pod.terminationGracePeriodSeconds ?? 30) * 1000;
  const command = container.lifecycle?.preStop?.exec?.command ?? [];
  const preStopMs = command[0] === 'sleep' ? Number(command[1]) * 1000 : 0;
  const needed = preStopMs + config.shutdownGraceMs;
  return graceMs > needed
    ? []
    : [
        `terminationGracePeriodSeconds ${graceMs / 1000} s does not exceed preStop ${preStopMs / 1000} s + ` +
          `KF_SHUTDOWN_GRACE_MS ${config.shutdownGraceMs} ms: the kubelet would kill a shutdown in progress`,
      ];
}

/** The Redis the config points at must be reachable: a Service if in-cluster, and allowed egress. */
function checkRedisReachable(objects: readonly K8sObject[], workload: Workload, config: ServiceConfig) {
  const problems: string[] = [];
  const endpoints =
    config.redis.mode === 'standalone'
      ? [parseRedisUrl(config.redis.url)]
      : config.redis.mode === 'sentinel'
        ? config.redis.sentinels
        : config.redis.nodes;
  const services = objects.filter((o) => o.kind === 'Service') as unknown as Array<IService & K8sObject>;
  const policies = (objects as Array<INetworkPolicy & K8sObject>).filter(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      o.spec?.policyTypes?.includes('Egress') &&
      selects(o.spec.podSelector.matchLabels, workload.podLabels),
  );
  for (const { host, port } of endpoints) {
    const inCluster = !host.includes('.') || /\.svc(\.|$)/.test(host);
    const service = services.find((s) => s.metadata.name === host.split('.')[0]);
    if (inCluster && !service?.spec?.ports?.some((p) => p.port === port)) {
      problems.push(`Redis ${host}:${port} is no Service port of this overlay`);
    }
    // Egress rules of all policies selecting a pod add up: one rule allowing the port is enough.
    const allowed =
      policies.length === 0 ||
      policies.some((p) => (p.spec?.egress ?? []).some((rule) => allowsPort(rule.ports, port)));
    if (!allowed) problems.push(`NetworkPolicy egress does not allow Redis port ${port} (${host})`);
  }
  return problems;
}

function allowsPort(ports: Array<{ port?: number | string; endPort?: number }> | undefined, port: number) {
  if (ports === undefined) return true;
  return ports.some(
    (p) => p.port === port || (typeof p.port === 'number' && p.port <= port && port <= (p.endPort ?? p.port)),
  );
}

function parseRedisUrl(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 6379) };
}
