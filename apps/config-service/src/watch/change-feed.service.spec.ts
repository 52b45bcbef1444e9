import type { ChangeEvent } from '@kafka-fleet/contracts';
import { ServiceMetrics } from '../metrics/service-metrics';
import type { RedisClient } from '../storage/redis-client.factory';
import { ChangeFeedService } from './change-feed.service';

// Never touched: the feed is not bootstrapped, so it never reads the stream.
const unusedRedis = {} as RedisClient;

describe('ChangeFeedService shutdown', () => {
  it('tells current watchers, and any that connect afterwards, to reconnect elsewhere', async () => {
    const feed = new ChangeFeedService(unusedRedis, new ServiceMetrics());
    const before: Array<ChangeEvent | 'shutdown'> = [];
    feed.subscribe((e) => before.push(e));
    await feed.onModuleDestroy();
    expect(before).toEqual(['shutdown']);

    const after: Array<ChangeEvent | 'shutdown'> = [];
    const unsubscribe = feed.subscribe((e) => after.push(e));
    expect(after).toEqual(['shutdown']);
    expect(() => unsubscribe()).not.toThrow();
  });
});
