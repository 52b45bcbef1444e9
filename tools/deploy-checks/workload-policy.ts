import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { nameOf, type Finding, type K8sObject, type Labels } from './manifest-render';

/** A Deployment or StatefulSet with the parts of its pod template the checks read. */
export interface Workload {
  readonly object: K8sObject;
  readonly name: string;
  readonly podLabels: Labels;
  readonly pod: IPodSpec;
}

export function workloadsOf(objects: readonly K8sObject[]): Workload[] {
  return objects.flatMap((object) => {
    if (object.kind !== 'Deployment' && object.kind !== 'StatefulSet') return [];
    const spec = (object as unknown as IDeployment | IStatefulSet).spec;
    return [
      {
        object,
        name: nameOf(object),
        podLabels: spec?.template.metadata?.labels ?? {},
        pod: spec?.template.spec ?? { containers: [] },
      },
    ];
  });
}

export const containersOf = (pod: IPodSpec): IContainer[] => [
  ...(pod.initContainers ?? []),
  ...pod.containers,
];

/** True when every label of the selector is on the pod: Kubernetes' matchLabels semantics. */
export const selects = (selector: Labels | undefined, labels: Labels): boolean =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels[key] === value);

export const SENSITIVE = /PASSWORD|TOKEN|SECRET|CREDENTIAL|PRIVATE_KEY/i;

/** Pod hardening, resources and image pinning, for every container of every workload. */
export function checkWorkload(workload: Workload): Finding[] {
  const { pod, object } = workload;
  const findings: Finding[] = [];
  const add = (problem: string) => findings.push({ where: workload.name, problem });
  const spec = (object as unknown as IDeployment).spec;
  if (!selects(spec?.selector.matchLabels, workload.podLabels)) {
    add('spec.selector does not match the pod template labels');
  }
  if (object.kind === 'Deployment') {
    const rolling = (object as unknown as IDeployment).spec?.strategy;
    if (rolling?.type !== 'RollingUpdate' || rolling.rollingUpdate?.maxUnavailable !== 0) {
      add('rollout may take serving replicas away: use RollingUpdate with maxUnavailable 0');
    }
  }
  if (pod.automountServiceAccountToken !== false) {
    add('pod mounts a service-account token it does not need (automountServiceAccountToken)');
  }
  for (const container of containersOf(pod)) {
    for (const problem of checkContainer(container, pod)) add(`container ${container.name}: ${problem}`);
  }
  return findings;
}

function checkContainer(container: IContainer, pod: IPodSpec): string[] {
  const problems: string[] = [];
  const imageProblem = checkImageReference(container.image ?? '');
  if (imageProblem) problems.push(imageProblem);
  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory']) {
      if (container.resources?.[kind]?.[resource] === undefined) {
        problems.push(`no ${resource} ${kind === 'limits' ? 'limit' : 'request'}`);
      }
    }
  }
  const security = container.securityContext;
  if (security?.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation is not false');
  if (security?.privileged === true) problems.push('runs privileged');
  if (security?.readOnlyRootFilesystem !== true) problems.push('root filesystem is writable');
  if ((security?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) {
    problems.push('runAsNonRoot is not set: the image could run as root');
  }
  if ((security?.runAsUser ?? pod.securityContext?.runAsUser) === 0) problems.push('runs as UID 0');
  if (!security?.capabilities?.drop?.includes('ALL'))
    problems.push('capabilities are not dropped (drop ALL)');
  if ((security?.seccompProfile ?? pod.securityContext?.seccompProfile)?.type !== 'RuntimeDefault') {
    problems.push('no RuntimeDefault seccomp profile');
  }
  if (!pod.initContainers?.includes(container)) {
    if (!container.livenessProbe) problems.push('no livenessProbe');
    if (!container.readinessProbe) problems.push('no readinessProbe');
  }
  for (const variable of container.env ?? []) {
    if (SENSITIVE.test(variable.name) && !variable.name.endsWith('_FILE') && variable.value !== undefined) {
      problems.push(`env ${variable.name} has a literal value: use valueFrom.secretKeyRef`);
    }
  }
  for (const [name, probe] of probesOf(container)) {
    const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
    if (port !== undefined && !hasPort(container, port)) {
      problems.push(`${name} targets port ${port}, which the container does not declare`);
    }
  }
  return problems;
}

export function probesOf(container: IContainer): Array<[string, IProbe]> {
  const probes: Array<[string, IProbe | undefined]> = [
    ['startupProbe', container.startupProbe],
    ['livenessProbe', container.livenessProbe],
    ['readinessProbe', container.readinessProbe],
  ];
  return probes.filter((entry): entry is [string, IProbe] => entry[1] !== undefined);
}

export const hasPort = (container: IContainer, port: number | string): boolean =>
  (container.ports ?? []).some((p) => p.name === port || p.containerPort === port);

/** An image reference must name an exact tag (not `latest`) or a digest. */
export function checkImageReference(image: string): string | undefined {
  if (image === '') return 'has no image';
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  if (colon < 0) return `image ${image} has no tag (it would pull "latest")`;
  if (lastPart.slice(colon + 1) === 'latest') return `image ${image} uses the floating "latest" tag`;
  return undefined;
}

/** The repository part of an image reference, without tag or digest. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', slash + 1);
  return colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
}
