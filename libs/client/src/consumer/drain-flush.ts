import type { FleetLogger } from '../config/client-options';
import type { Lane } from './consumer-lane';

const DRAIN_FLUSH_MS = 250;

/**
 * While a lane reads a shuffle's source (or an era it fell behind on) up to its fence, its handled
 * offsets are made durable every 250 ms: the shuffle moves the group on only once its committed
 * offsets reach the fence, and so does the group itself on an era it catches up on. Returns the
 * timer (none when no lane drains); `live` tells a lane closed since, which has nothing to flush.
 */
export function flushWhileDraining(
  lanes: readonly Lane[],
  live: (lane: Lane) => boolean,
  flushed: (lane: Lane) => Promise<void>,
  logger: FleetLogger,
): NodeJS.Timeout | undefined {
  const draining = lanes.filter((l) => [...l.byPhysical.values()].some((r) => r.bounds?.ceiling));
  if (draining.length === 0) return undefined;
  const timer = setInterval(() => {
    for (const lane of draining.filter(live))
      lane.consumer
        .flush()
        .then(() => flushed(lane))
        .catch((error: unknown) =>
          logger.warn('commit flush while draining failed', { error: (error as Error).message }),
        );
  }, DRAIN_FLUSH_MS);
  timer.unref();
  return timer;
}
