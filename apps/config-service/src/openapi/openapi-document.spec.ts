import { buildOpenApiDocument } from './openapi-document';

describe('buildOpenApiDocument', () => {
  it('documents the rebalance API with the request schema the service validates', () => {
    const doc = buildOpenApiDocument() as unknown as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(Object.keys(doc.paths['/v1/rebalance/plans'])).toEqual(['get', 'post']);
    expect(doc.paths['/v1/load']).toHaveProperty('get');
    expect(Object.keys(doc.components.schemas.RebalancePlanRequest.properties ?? {}).sort()).toEqual([
      'goals',
      'mode',
      'seed',
    ]);
  });
});
