import { join } from 'node:path';
import { BrokenCopy } from './broken-copy';
import { checkOverlay } from './manifest-checks';
import { formatFindings } from './manifest-render';

const k8s = join(__dirname, '../../k8s');

type Break = (copy: BrokenCopy) => void;

/** Renders an overlay of a broken copy of k8s/ and returns every finding, one per line. */
function findingsAfter(overlay: string, breakIt: Break): string {
  const copy = new BrokenCopy(k8s);
  try {
    breakIt(copy);
    return formatFindings(checkOverlay(copy.path(`overlays/${overlay}`)).findings);
  } finally {
    copy.remove();
  }
}

const deployment = 'base/deployment.yaml';
const committedSecret = `apiVersion: v1
kind: Secret
metadata:
  name: kafka-fleet-tokens
stringData:
  tokens.json: '[]'
`;

describe('the manifest checks catch a broken copy of k8s/', () => {
  it('find nothing in the unbroken copy (so each failure below is the break)', () => {
    expect(findingsAfter('dev', () => undefined)).toBe('');
    expect(findingsAfter('prod', () => undefined)).toBe('');
  });

  it.each<[string, string, Break, RegExp]>([
    [
      'a readiness probe on a route the service does not have',
      'prod',
      (c) => c.replace(deployment, 'path: /health/ready', 'path: /health/readyz'),
      /readinessProbe path \/health\/readyz is not a GET route of the service/,
    ],
    [
      'a probe on a route that needs a bearer token',
      'prod',
      (c) => c.replace(deployment, 'path: /health/live', 'path: /v1/apps'),
      /startupProbe path \/v1\/apps needs a bearer token: the kubelet has none/,
    ],
    [
      'a missing memory limit',
      'prod',
      (c) => c.replace(deployment, /\n {14}memory: 512Mi/, ''),
      /Deployment\/config-service: container config-service: no memory limit/,
    ],
    [
      'the latest tag',
      'prod',
      (c) => c.replace('base/kustomization.yaml', 'newTag: 0.1.0', 'newTag: latest'),
      /image kafka-fleet\/config-service:latest uses the floating "latest" tag/,
    ],
    [
      'an untagged Redis image',
      'dev',
      (c) => c.replace('overlays/dev/redis-statefulset.yaml', 'image: redis:7.4.2-bookworm', 'image: redis'),
      /StatefulSet\/redis: container redis: image redis has no tag/,
    ],
    [
      'a Service selector that matches no pod',
      'prod',
      (c) =>
        c.replace(
          'base/service.yaml',
          /(selector:\n {4}app.kubernetes.io\/name: )kafka-fleet/,
          '$1kafka-fleat',
        ),
      /Service\/config-service: selector matches no Deployment or StatefulSet pods/,
    ],
    [
      'a ServiceMonitor scraping a port the Service does not name',
      'prod',
      (c) => c.replace('base/servicemonitor.yaml', 'port: http', 'port: metrics'),
      /ServiceMonitor\/config-service: endpoint port metrics is not a named port/,
    ],
    [
      'a probe on an undeclared container port',
      'prod',
      (c) => c.replace(deployment, /(readinessProbe:\n\s+httpGet:\n\s+path: \S+\n\s+port: )http/, '$1web'),
      /readinessProbe targets port web, which the container does not declare/,
    ],
    [
      'a grace period shorter than the service shutdown',
      'prod',
      (c) => c.replace(deployment, 'terminationGracePeriodSeconds: 30', 'terminationGracePeriodSeconds: 12'),
      /terminationGracePeriodSeconds 12 s does not exceed preStop 5 s \+ KF_SHUTDOWN_GRACE_MS 10000 ms/,
    ],
    [
      'an environment value the service rejects at boot',
      'dev',
      (c) => c.replace('base/service.env', 'KF_PORT=8080', 'KF_PORT=80800'),
      /would exit 78 at boot: invalid environment variable KF_PORT/,
    ],
    [
      'a misspelt variable name',
      'prod',
      (c) =>
        c.replace('overlays/prod/kustomization.yaml', 'KF_REDIS_SENTINEL_NAME=', 'KF_REDIS_SENTINELNAME='),
      /env KF_REDIS_SENTINELNAME is not read by the service/,
    ],
    [
      'a misspelt field that Kubernetes would ignore',
      'prod',
      (c) => c.replace(deployment, 'readinessProbe:', 'readinesProbe:'),
      /unknown field \/spec\/template\/spec\/containers\/0\/readinesProbe/,
    ],
    [
      'privilege escalation',
      'prod',
      (c) => c.replace(deployment, 'allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'),
      /container config-service: allowPrivilegeEscalation is not false/,
    ],
    [
      'a committed Secret value',
      'prod',
      (c) =>
        c
          .write('base/tokens-secret.yaml', committedSecret)
          .replace('base/kustomization.yaml', 'resources:\n', 'resources:\n  - tokens-secret.yaml\n'),
      /Secret\/kafka-fleet-tokens: a Secret with values is committed/,
    ],
    [
      'egress that blocks the Sentinel port',
      'prod',
      (c) => c.replace('overlays/prod/kustomization.yaml', '- port: 26379', '- port: 26380'),
      /NetworkPolicy egress does not allow Redis port 26379/,
    ],
    [
      'a dev Redis URL naming no Service',
      'dev',
      (c) => c.replace('overlays/dev/kustomization.yaml', 'redis://redis:6379', 'redis://redis-master:6379'),
      /Redis redis-master:6379 is no Service port of this overlay/,
    ],
  ])('%s', (_name, overlay, breakIt, expected) => {
    expect(findingsAfter(overlay, breakIt)).toMatch(expected);
  });
});
