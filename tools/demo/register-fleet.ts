import type { StackDefinition } from '../stack/stack-definition';

/** Registers the stack's clusters, a demo topic and a demo app with the config service, idempotently. */
export async function registerFleet(
  url: string,
  operatorToken: string,
  stack: StackDefinition,
  topic: string,
): Promise<string[]> {
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // 409: already registered by an earlier run against the same Redis; that is the state we want.
    if (!res.ok && res.status !== 409)
      throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.status === 409 ? 'already there' : 'created';
  };
  const lines: string[] = [];
  for (const cluster of stack.clusters) {
    const outcome = await call('POST', '/v1/clusters', {
      id: cluster.name,
      bootstrapServers: cluster.bootstrapServers,
      region: 'local',
    });
    lines.push(`cluster  ${cluster.name.padEnd(6)} ${outcome}`);
  }
  lines.push(
    `topic    ${topic} ${await call('POST', '/v1/topics', { name: topic, owner: 'demo', partitions: 6, clusterId: stack.clusters[0].name })}`,
  );
  lines.push(
    `app      demo-app ${await call('POST', '/v1/apps', { id: 'demo-app', owner: 'demo', topics: { [topic]: { produce: true, consume: true } } })}`,
  );
  return lines;
}
