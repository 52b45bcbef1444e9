/**
 * Decides how a watcher that last saw `since` catches up, given the oldest version still held by
 * the (trimmed) change feed. If versions after `since` were trimmed away, replaying would silently
 * skip changes: the watcher must refetch its snapshot instead.
 */
export type ReplayPlan = { kind: 'replay'; after: number } | { kind: 'resync'; reason: string };

export function planReplay(since: number, oldestRetained: number | undefined, current: number): ReplayPlan {
  if (since > current)
    return { kind: 'resync', reason: `version ${since} is ahead of the service (${current})` };
  if (since === current) return { kind: 'replay', after: since };
  if (oldestRetained === undefined || oldestRetained > since + 1) {
    return { kind: 'resync', reason: `changes after version ${since} are no longer retained` };
  }
  return { kind: 'replay', after: since };
}
