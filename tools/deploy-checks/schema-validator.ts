import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { isObject, nameOf, type Finding, type K8sObject } from './manifest-render';

interface Validatable {
  validate(): void;
}

/**
 * The kinds we ship, each with the generated OpenAPI validator of its Kubernetes version (and the
 * prometheus-operator CRDs). A kind missing here is a finding, so a new object cannot slip in
 * unvalidated.
 */
const MODELS: Readonly<Record<string, Validatable>> = {
  'apps/v1/Deployment': Deployment.prototype,
  'apps/v1/StatefulSet': StatefulSet.prototype,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler.prototype,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy.prototype,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget.prototype,
  'v1/ConfigMap': ConfigMap.prototype,
  'v1/Secret': Secret.prototype,
  'v1/Service': Service.prototype,
  'v1/ServiceAccount': ServiceAccount.prototype,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor.prototype,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule.prototype,
};

/**
 * Validates an object against its schema, then looks for fields the schema does not know.
 * The generated validators accept unknown fields (as `kubectl apply` without server-side
 * validation would), yet a misspelt `readinesProbe` silently disables the probe. The validator
 * reads every property its schema defines (and every key of a map-typed field such as labels), so
 * any key it never read is unknown to the schema.
 */
export function validateSchema(object: K8sObject): Finding[] {
  const where = nameOf(object);
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!model) return [{ where, problem: `no schema known for ${object.apiVersion} ${object.kind}` }];
  const tracker = new ReadTracker();
  const findings: Finding[] = [];
  try {
    model.validate.call(tracker.wrap(object, ''));
  } catch (error) {
    findings.push({ where, problem: `schema: ${(error as Error).message}` });
  }
  for (const path of tracker.unreadFields()) {
    findings.push({ where, problem: `unknown field ${path} (not in the ${object.kind} schema)` });
  }
  return findings;
}

class ReadTracker {
  private readonly seen = new Map<object, { path: string; read: Set<string> }>();
  private readonly proxies = new WeakMap<object, object>();

  wrap<T extends object>(target: T, path: string): T {
    const cached = this.proxies.get(target);
    if (cached) return cached as T;
    const read = new Set<string>();
    this.seen.set(target, { path, read });
    const proxy = new Proxy(target, {
      get: (t, key, receiver) => {
        const value: unknown = Reflect.get(t, key, receiver);
        if (typeof key !== 'string') return value;
        read.add(key);
        if (typeof value === 'object' && value !== null) return this.wrap(value, `${path}/${key}`);
        return value;
      },
    });
    this.proxies.set(target, proxy);
    return proxy;
  }

  unreadFields(): string[] {
    const unknown: string[] = [];
    for (const [target, { path, read }] of this.seen) {
      if (!isObject(target)) continue;
      for (const key of Object.keys(target)) if (!read.has(key)) unknown.push(`${path}/${key}`);
    }
    return unknown;
  }
}
