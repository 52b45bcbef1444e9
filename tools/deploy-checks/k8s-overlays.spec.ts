import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { listAppRoutes } from './app-routes';
import { checkOverlay } from './manifest-checks';
import { formatFindings, type K8sObject } from './manifest-render';
import { SERVICE_IMAGE } from './service-policy';

const k8s = join(__dirname, '../../k8s');
const overlays = readdirSync(join(k8s, 'overlays'));
const rendered = new Map(overlays.map((name) => [name, checkOverlay(join(k8s, 'overlays', name))]));
const kinds = (objects: readonly K8sObject[]) => new Set(objects.map((o) => o.kind));
const serviceDeployment = (objects: readonly K8sObject[]) =>
  objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'config-service') as
    (IDeployment & K8sObject) | undefined;

describe('Kubernetes manifests, as kubectl kustomize renders them', () => {
  it('has the dev and prod overlays', () => {
    expect(overlays.sort()).toEqual(['dev', 'prod']);
  });

  it.each(overlays)('%s passes every schema and policy check', (name) => {
    expect(formatFindings(rendered.get(name)!.findings)).toBe('');
  });

  it.each(overlays)('%s ships the config service with all its companion objects', (name) => {
    const { objects } = rendered.get(name)!;
    for (const kind of [
      'Deployment',
      'Service',
      'ConfigMap',
      'ServiceAccount',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'ServiceMonitor',
    ]) {
      expect(kinds(objects)).toContain(kind);
    }
    expect(kinds(objects)).not.toContain('Secret');
    const image = serviceDeployment(objects)?.spec?.template.spec?.containers[0].image;
    expect(image).toMatch(new RegExp(`^${SERVICE_IMAGE}:\\d+\\.\\d+\\.\\d+$`));
  });

  it('runs three replicas in prod against Sentinel, with the password from a Secret', () => {
    const { objects } = rendered.get('prod')!;
    const deployment = serviceDeployment(objects)!;
    expect(deployment.spec?.replicas).toBe(3);
    const env = objects.find((o) => o.kind === 'ConfigMap')?.data as Record<string, string>;
    expect(env).toMatchObject({ KF_REDIS_MODE: 'sentinel' });
    expect(env.KF_REDIS_SENTINELS).toMatch(/:26379/);
    const password = deployment.spec?.template.spec?.containers[0].env?.find(
      (e) => e.name === 'KF_REDIS_PASSWORD',
    );
    expect(password?.valueFrom?.secretKeyRef?.name).toBe('kafka-fleet-redis');
  });

  it('brings its own single-replica Redis in dev and points the service at it', () => {
    const { objects } = rendered.get('dev')!;
    const redis = objects.find((o) => o.kind === 'StatefulSet') as IDeployment & K8sObject;
    expect(redis.spec?.replicas).toBe(1);
    const env = objects.find((o) => o.kind === 'ConfigMap')?.data as Record<string, string>;
    expect(env.KF_REDIS_URL).toBe(`redis://${redis.metadata.name}:6379`);
  });

  it('reads the service routes from its controllers, including the health routes', () => {
    const routes = listAppRoutes();
    expect(routes).toContainEqual({ method: 'GET', path: '/health/live', public: true });
    expect(routes).toContainEqual({ method: 'GET', path: '/health/ready', public: true });
    expect(routes).toContainEqual({ method: 'GET', path: '/metrics', public: true });
    expect(routes).toContainEqual({ method: 'GET', path: '/v1/apps/:id/snapshot', public: false });
  });
});
