import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** One rendered Kubernetes object, as plain data. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Labels };
  readonly [field: string]: unknown;
}
export type Labels = Readonly<Record<string, string>>;

/** A problem found in the rendered manifests: where, and what is wrong, in words an SRE can act on. */
export interface Finding {
  readonly where: string;
  readonly problem: string;
}

export const nameOf = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;
export const formatFindings = (findings: readonly Finding[]): string =>
  findings.map((f) => `${f.where}: ${f.problem}`).join('\n');

/**
 * Renders a kustomization exactly as `kubectl apply -k` would, with the kustomize built into
 * kubectl: the manifests are checked as the cluster would receive them, not as written.
 */
export function renderKustomization(dir: string): K8sObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`kubectl kustomize ${dir} failed (is kubectl installed?): ${stderr || String(error)}`, {
      cause: error,
    });
  }
  return parseManifests(output, dir);
}

export function parseManifests(text: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: invalid YAML: ${doc.errors[0].message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isObject(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
      throw new Error(`${source}: a document is not a Kubernetes object (no apiVersion/kind)`);
    }
    const metadata = value.metadata;
    if (!isObject(metadata) || typeof metadata.name !== 'string') {
      throw new Error(`${source}: a ${value.kind} has no metadata.name`);
    }
    objects.push(value as unknown as K8sObject);
  }
  return objects;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
