import type { Migration } from '@kafka-fleet/contracts';
import { ShuffleFixture, until } from './support/shuffle-fixture';

const ROUNDS = 10;

/**
 * Abort is free only while nothing has moved: its phase check and its write must be one step.
 * Here abort requests are fired back to back while `prepare` finishes, round after round, and
 * every round must end consistently: aborted with the topic where it was (placement and epoch of
 * the source), or done on the target. Never aborted over a topic already placed on the target.
 */
describe('abort racing the end of prepare', () => {
  const fx = new ShuffleFixture(26);
  beforeAll(() => fx.setUp());
  afterAll(() => fx.tearDown());

  it('ends every round either aborted on the source or done on the target', async () => {
    const outcomes: string[] = [];
    let prepareMs = 300; // measured from each finished shuffle: aborts start just before its end
    for (let round = 0; round < ROUNDS; round++) {
      const before = (await fx.sre()<{ placement: { clusterId: string } }>('GET', `/v1/topics/${fx.topic}`))
        .body;
      const to = before.placement.clusterId === 'alpha' ? 'beta' : 'alpha';
      const started = await fx.startShuffle(to);
      await new Promise((r) => setTimeout(r, prepareMs * (0.5 + (0.6 * round) / ROUNDS)));
      for (;;) {
        const res = await fx.sre()('POST', `/v1/topics/${fx.topic}/migrations/${started.id}/abort`, {});
        if (res.status !== 409) break;
        // Lost the race to a phase change: either the check saw it, or the topic's compare-and-set did.
        if (
          !/no longer in phase|can no longer be aborted|changed since version/.test(JSON.stringify(res.body))
        )
          throw new Error(`unexpected refusal: ${JSON.stringify(res.body)}`);
        if (/can no longer be aborted/.test(JSON.stringify(res.body))) break;
      }
      let end: Migration | undefined;
      await until(
        `shuffle ${started.id} ended`,
        async () => ['done', 'aborted', 'failed'].includes((end = await fx.migration(started.id)).phase),
        60_000,
      );
      const m = end as Migration;
      const topic = (
        await fx.sre()<{
          placement: { clusterId: string; physicalTopic: string };
          epoch: number;
          state: string;
        }>('GET', `/v1/topics/${fx.topic}`)
      ).body;
      const expected =
        m.phase === 'aborted'
          ? { placement: m.source, epoch: m.epochFrom, state: 'stable' }
          : { placement: m.target, epoch: m.epochTo, state: 'stable' };
      expect({ round, phase: m.phase, ...topic }).toMatchObject({ round, phase: m.phase, ...expected });
      expect(['done', 'aborted']).toContain(m.phase);
      outcomes.push(m.phase);
      if (m.phase === 'done') prepareMs = m.history[1].enteredAt - m.history[0].enteredAt;
    }
    console.log(`abort race: ${outcomes.join(', ')}`);
  }, 300_000);
});
