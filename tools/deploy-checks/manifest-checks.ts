import { listAppRoutes, type AppRoute } from './app-routes';
import { renderKustomization, type Finding, type K8sObject } from './manifest-render';
import { validateSchema } from './schema-validator';
import { checkConfigService } from './service-policy';
import { checkNoSecretValues, checkWiring } from './wiring-policy';
import { checkWorkload, workloadsOf } from './workload-policy';

/** Every check on one rendered overlay: schemas, then pod policy, wiring and the service's own rules. */
export function checkManifests(objects: readonly K8sObject[], routes: readonly AppRoute[]): Finding[] {
  const workloads = workloadsOf(objects);
  return [
    ...objects.flatMap(validateSchema),
    ...workloads.flatMap(checkWorkload),
    ...checkWiring(objects, workloads),
    ...checkNoSecretValues(objects),
    ...checkConfigService(objects, workloads, routes),
  ];
}

/** Renders a kustomization directory and checks it against the routes the service really serves. */
export function checkOverlay(dir: string): { objects: K8sObject[]; findings: Finding[] } {
  const objects = renderKustomization(dir);
  routes ??= listAppRoutes();
  return { objects, findings: checkManifests(objects, routes) };
}
let routes: AppRoute[] | undefined;
