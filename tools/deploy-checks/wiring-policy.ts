import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IService } from 'kubernetes-models/v1/Service';
import { nameOf, type Finding, type K8sObject, type Labels } from './manifest-render';
import { containersOf, hasPort, SENSITIVE, selects, type Workload } from './workload-policy';

const ofKind = <T>(objects: readonly K8sObject[], kind: string): Array<T & K8sObject> =>
  objects.filter((o) => o.kind === kind) as Array<T & K8sObject>;

/**
 * Labels and references that must line up across objects: a Service, PDB, HPA, NetworkPolicy or
 * ServiceMonitor that selects nothing is silently inert, which no single-object schema can see.
 */
export function checkWiring(objects: readonly K8sObject[], workloads: readonly Workload[]): Finding[] {
  const findings: Finding[] = [];
  const add = (object: K8sObject, problem: string) => findings.push({ where: nameOf(object), problem });
  const selected = (selector: Labels | undefined) => workloads.filter((w) => selects(selector, w.podLabels));
  const services = ofKind<IService>(objects, 'Service');
  const pdbs = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget');
  const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');

  for (const service of services) {
    const pods = selected(service.spec?.selector);
    if (pods.length === 0) add(service, 'selector matches no Deployment or StatefulSet pods');
    for (const port of service.spec?.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const served = pods.every((w) => containersOf(w.pod).some((c) => hasPort(c, target)));
      if (pods.length > 0 && !served) add(service, `targetPort ${target} is not a port of the selected pods`);
    }
  }
  for (const pdb of pdbs) {
    if (selected(pdb.spec?.selector?.matchLabels).length === 0) add(pdb, 'selector matches no pods');
  }
  for (const policy of policies) {
    if (selected(policy.spec?.podSelector.matchLabels).length === 0)
      add(policy, 'podSelector matches no pods');
  }
  for (const workload of workloads) {
    const where = { where: workload.name };
    if (!policies.some((p) => selects(p.spec?.podSelector.matchLabels, workload.podLabels))) {
      findings.push({ ...where, problem: 'no NetworkPolicy selects its pods (all traffic allowed)' });
    }
    if (workload.object.kind === 'Deployment') {
      if (!pdbs.some((p) => selects(p.spec?.selector?.matchLabels, workload.podLabels))) {
        findings.push({ ...where, problem: 'no PodDisruptionBudget covers its pods' });
      }
    }
    if (workload.object.kind === 'StatefulSet') {
      const serviceName = (workload.object as unknown as IStatefulSet).spec?.serviceName;
      if (!services.some((s) => s.metadata.name === serviceName)) {
        findings.push({ ...where, problem: `serviceName ${serviceName} is not a Service of this overlay` });
      }
    }
  }
  for (const hpa of ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler')) {
    const ref = hpa.spec?.scaleTargetRef;
    const target = workloads.find((w) => w.object.kind === ref?.kind && w.object.metadata.name === ref.name);
    if (!target) add(hpa, `scaleTargetRef ${ref?.kind}/${ref?.name} is not in this overlay`);
    if ((hpa.spec?.minReplicas ?? 1) > (hpa.spec?.maxReplicas ?? 0)) add(hpa, 'minReplicas > maxReplicas');
    const usesCpu = hpa.spec?.metrics?.some((m) => m.resource?.name === 'cpu');
    if (target && usesCpu && !target.pod.containers.every((c) => c.resources?.requests?.cpu)) {
      add(hpa, 'scales on CPU utilisation but the target has containers without a CPU request');
    }
  }
  for (const monitor of ofKind<IServiceMonitor>(objects, 'ServiceMonitor')) {
    const matched = services.filter((s) =>
      selects(monitor.spec.selector.matchLabels, s.metadata.labels ?? {}),
    );
    if (matched.length === 0) add(monitor, 'selector matches no Service');
    for (const endpoint of monitor.spec.endpoints) {
      const named = (s: IService) => (s.spec?.ports ?? []).some((p) => p.name === endpoint.port);
      if (matched.length > 0 && !matched.every(named)) {
        add(monitor, `endpoint port ${endpoint.port} is not a named port of the selected Service`);
      }
    }
  }
  return findings;
}

/** Secret values never live in the repository: Secrets are created in the cluster, out of band. */
export function checkNoSecretValues(objects: readonly K8sObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const object of objects) {
    const where = nameOf(object);
    if (object.kind === 'Secret' && (object.data !== undefined || object.stringData !== undefined)) {
      findings.push({
        where,
        problem: 'a Secret with values is committed; create it in the cluster instead',
      });
    }
    if (object.kind === 'ConfigMap') {
      for (const key of Object.keys((object.data as Record<string, string> | undefined) ?? {})) {
        if (SENSITIVE.test(key) && !key.endsWith('_FILE')) {
          findings.push({ where, problem: `${key} looks secret: reference a Secret instead of a ConfigMap` });
        }
      }
    }
  }
  return findings;
}
