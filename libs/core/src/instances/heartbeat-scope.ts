import type { Heartbeat } from '@kafka-fleet/contracts';

export interface TopicGrant {
  readonly produce: boolean;
  readonly consume: boolean;
}

/** A claim a heartbeat made about a topic its application may not use that way. */
export interface IgnoredClaim {
  readonly field: 'appliedEpochs' | 'producerEpochs' | 'consumerGroups' | 'rates';
  readonly topic: string;
}

/**
 * Keeps only what a heartbeat may claim for its application: producer epochs for topics it may
 * produce to, consumer groups for topics it may consume, applied epochs and rates for topics it
 * may use at all. A shuffle waits on these claims, so a claim outside the app's profile (a forged
 * beat, or one sent after access was revoked) must not hold it, nor show as that app's traffic.
 */
export function scopeHeartbeat(
  beat: Heartbeat,
  grants: ReadonlyMap<string, TopicGrant>,
): { beat: Heartbeat; ignored: IgnoredClaim[] } {
  const ignored: IgnoredClaim[] = [];
  const may = {
    use: (t: string) => grants.get(t)?.produce === true || grants.get(t)?.consume === true,
    produce: (t: string) => grants.get(t)?.produce === true,
    consume: (t: string) => grants.get(t)?.consume === true,
  };
  const keep = <V>(
    field: IgnoredClaim['field'],
    entries: Record<string, V>,
    allowed: (t: string) => boolean,
  ) => {
    const kept: Record<string, V> = Object.create(null) as Record<string, V>;
    for (const [topic, value] of Object.entries(entries)) {
      if (allowed(topic)) kept[topic] = value;
      else ignored.push({ field, topic });
    }
    return { ...kept };
  };
  return {
    beat: {
      ...beat,
      appliedEpochs: keep('appliedEpochs', beat.appliedEpochs, may.use),
      producerEpochs: keep('producerEpochs', beat.producerEpochs, may.produce),
      consumerGroups: keep('consumerGroups', beat.consumerGroups, may.consume),
      rates: keep('rates', beat.rates, may.use),
    },
    ignored,
  };
}
