import Redis from 'ioredis';
import { redis } from '../support/stack-harness';

describe('stack redis', () => {
  const spec = redis();
  const client = new Redis({ host: spec.host, port: spec.port, lazyConnect: true });
  beforeAll(() => client.connect());
  afterAll(() => client.quit());

  it('is our own server, not the one on 6379', async () => {
    expect(spec.port).not.toBe(6379);
    const info = await client.info('server');
    expect(info).toContain(`tcp_port:${spec.port}`);
    expect(info).toMatch(/redis_version:\d+\.\d+/);
  });

  it('round-trips a value and a stream entry', async () => {
    const key = `it:{smoke}:${process.pid}:${Date.now()}`;
    await client.set(key, 'hello', 'EX', 60);
    expect(await client.get(key)).toBe('hello');
    const id = await client.xadd(`${key}:stream`, '*', 'version', '1');
    const entries = await client.xrange(`${key}:stream`, '-', '+');
    expect(entries).toEqual([[id, ['version', '1']]]);
  });
});
