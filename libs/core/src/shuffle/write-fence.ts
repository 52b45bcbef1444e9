/**
 * The broker-side fence of a shuffle's source topic: a topic setting under which the leaders
 * refuse every produce request, whoever sends it and whatever its `acks`.
 *
 * `max.message.bytes=0` makes every record batch "too large" (the smallest batch is 61 bytes), so
 * the leader answers MESSAGE_TOO_LARGE and appends nothing. It needs no authorizer, which is why it
 * is our default on every cluster: the service's principal only needs ALTER_CONFIGS on the topic.
 * It leaves reads untouched (a fetch returns at least one batch whatever its size, KIP-74), and
 * followers replicate what was written before it (they do not check the record size).
 */
export const WRITE_FENCE_CONFIG = Object.freeze({ 'max.message.bytes': '0' });

/** True when a topic's configuration refuses writes (the fence has been applied). */
export function isWriteFenced(configs: Readonly<Record<string, string>>): boolean {
  return Object.entries(WRITE_FENCE_CONFIG).every(([name, value]) => configs[name] === value);
}

/**
 * The full set of dynamic topic configs to send with the legacy AlterConfigs request (it replaces
 * the set: a config left out returns to its default), fence included.
 */
export function fencedConfigs(dynamic: Readonly<Record<string, string>>): Record<string, string> {
  return { ...dynamic, ...WRITE_FENCE_CONFIG };
}

export type OffsetReading = Readonly<Record<string, string>>;

/**
 * A fence is taken once the source's end offsets stopped moving: right after the setting is
 * committed, a leader that has not applied it yet may still append, and an acks=all record
 * appended just before it reaches the high watermark only when its followers have it.
 */
export function offsetsSettled(previous: OffsetReading | undefined, current: OffsetReading): boolean {
  if (!previous) return false;
  const keys = new Set([...Object.keys(previous), ...Object.keys(current)]);
  return [...keys].every((k) => previous[k] === current[k]);
}
