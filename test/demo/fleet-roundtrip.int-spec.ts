import { fleetRoundTrip } from '../../tools/demo/fleet-roundtrip';
import { APP_ID } from '../config-service/support/config-service-harness';
import { FleetFixture } from '../client/fleet-fixture';

/**
 * The README's main command ends with this round trip. It once started a new group at `latest`
 * and raced its own first sends ("lost 40" on a loaded machine): a false loss in a new user's first
 * run. Here every record is sent before the group exists, which is the worst case for a group that
 * starts at the end (it would read none of them), and a second run on the same topic checks that
 * earlier runs' records are skipped, not counted.
 */
describe.each(['kafkajs', 'rdkafka'] as const)('demo fleet round trip (%s)', (backend) => {
  const fx = new FleetFixture(backend === 'kafkajs' ? 11 : 12, backend);
  beforeAll(() => fx.setUp());
  afterAll(() => fx.tearDown());

  it('reads back every record it produced, once, whenever the group joins', async () => {
    for (const run of [1, 2]) {
      const trip = await fleetRoundTrip(fx.service.url, APP_ID, fx.harness.tokens.app, fx.topic, 500, {
        timeoutMs: 60_000,
      });
      expect({ run, ...trip }).toEqual({
        run,
        produced: 500,
        consumed: 500,
        lost: 0,
        duplicated: 0,
        placedOn: 'alpha (epoch 1)',
      });
    }
  }, 180_000);
});
