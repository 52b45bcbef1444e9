import {
  rebalanceGoals,
  type FleetLoad,
  type RebalanceGoalsInput,
  type RebalanceMode,
  type RebalancePlan,
} from '@kafka-fleet/contracts';

const EPS = 1e-9;
const DIMS = ['bytesInPerSec', 'bytesOutPerSec', 'storageBytes', 'partitions'] as const;

/** Load per cluster and dimension for a placement (topic → cluster; absent = where it is now). */
export function loadsOf(fleet: FleetLoad, placement: ReadonlyMap<string, string>): Map<string, number[]> {
  const load = new Map(fleet.clusters.map((c) => [c.id, [0, 0, 0, 0]]));
  for (const t of fleet.topics) {
    const l = load.get(placement.get(t.name) ?? t.cluster)!;
    DIMS.forEach((d, i) => (l[i] += t[d]));
  }
  return load;
}

/**
 * Utilisation per cluster for a placement, recomputed from scratch — deliberately sharing no code
 * with the planner, so a planner bug cannot hide behind the same bug in its checker.
 */
export function utilisationOf(fleet: FleetLoad, placement: ReadonlyMap<string, string>): Map<string, number> {
  const load = loadsOf(fleet, placement);
  return new Map(
    fleet.clusters.map((c) => [c.id, Math.max(...DIMS.map((d, i) => load.get(c.id)![i] / c.capacity[d]))]),
  );
}

/** Whether the goals hold for a placement, over the clusters that take part in balancing. */
export function goalsHold(
  fleet: FleetLoad,
  goalsInput: RebalanceGoalsInput,
  mode: RebalanceMode,
  placement: ReadonlyMap<string, string>,
): { spread: boolean; headroom: boolean; mean: number } {
  const goals = rebalanceGoals.parse(goalsInput);
  const util = utilisationOf(fleet, placement);
  const members = participants(fleet, mode).map((c) => util.get(c)!);
  const mean = members.reduce((a, b) => a + b, 0) / Math.max(1, members.length);
  return {
    spread: members.every((u) => Math.abs(u - mean) <= goals.tolerance + EPS),
    headroom: members.every((u) => u <= goals.maxUtilisation + EPS),
    mean,
  };
}

/** Clusters that count for the goals: not draining, not the one being drained. */
export function participants(fleet: FleetLoad, mode: RebalanceMode): string[] {
  return fleet.clusters
    .filter((c) => !c.draining && !(mode.kind === 'drain' && mode.cluster === c.id))
    .map((c) => c.id);
}

/** Where every topic is after `moves`, starting from the fleet as given. */
export function placementAfter(fleet: FleetLoad, moves: RebalancePlan['moves']): Map<string, string> {
  const placement = new Map(fleet.topics.map((t) => [t.name, t.cluster]));
  for (const m of moves) placement.set(m.topic, m.to);
  return placement;
}

/**
 * Every rule a plan must keep, checked independently: one list of problems (empty = valid), so a
 * failing test names all broken rules at once.
 */
export function findPlanProblems(
  fleet: FleetLoad,
  goalsInput: RebalanceGoalsInput,
  mode: RebalanceMode,
  plan: RebalancePlan,
): string[] {
  const goals = rebalanceGoals.parse(goalsInput);
  const problems: string[] = [];
  const clusters = new Map(fleet.clusters.map((c) => [c.id, c]));
  const topics = new Map(fleet.topics.map((t) => [t.name, t]));
  const pinned = new Set([
    ...fleet.topics.filter((t) => t.pinned).map((t) => t.name),
    ...goals.pinned.map((p) => p.topic),
  ]);
  const drained = mode.kind === 'drain' ? mode.cluster : undefined;
  const seen = new Set<string>();
  const sources = new Set<string>();
  const targets = new Set<string>();
  for (const m of plan.moves) {
    const topic = topics.get(m.topic);
    const from = clusters.get(m.from);
    const to = clusters.get(m.to);
    if (!topic || !from || !to) {
      problems.push(`move of ${m.topic} names something unknown`);
      continue;
    }
    if (seen.has(m.topic)) problems.push(`${m.topic} moves twice`);
    seen.add(m.topic);
    if (topic.cluster !== m.from) problems.push(`${m.topic} is on ${topic.cluster}, not ${m.from}`);
    if (m.from === m.to) problems.push(`${m.topic} moves to its own cluster`);
    if (pinned.has(m.topic)) problems.push(`pinned ${m.topic} moves`);
    if (to.draining || to.id === drained) problems.push(`${m.topic} moves to draining ${to.id}`);
    if (goals.sameRegion && from.region !== to.region)
      problems.push(`${m.topic} leaves region ${from.region}`);
    if (goals.sameEnvironment && from.environment !== to.environment) {
      problems.push(`${m.topic} leaves environment ${from.environment}`);
    }
    if (m.bytes !== topic.storageBytes) problems.push(`${m.topic} bytes ${m.bytes} ≠ ${topic.storageBytes}`);
    if (mode.kind === 'drain' && m.reason !== 'drain')
      problems.push(`${m.topic} reason ${m.reason} in a drain`);
    sources.add(m.from);
    targets.add(m.to);
  }
  for (const c of sources) if (targets.has(c)) problems.push(`${c} both sends and receives`);

  const bytes = plan.moves.reduce((sum, m) => sum + m.bytes, 0);
  if (plan.moves.length > (goals.maxMoves ?? Infinity))
    problems.push(`${plan.moves.length} moves over maxMoves`);
  if (bytes > (goals.maxBytesMoved ?? Infinity)) problems.push(`${bytes} bytes over maxBytesMoved`);
  if (plan.totals.moves !== plan.moves.length || Math.abs(plan.totals.bytesMoved - bytes) > 1) {
    problems.push('totals disagree with the moves');
  }
  problems.push(...waveProblems(plan, goals.maxConcurrentMoves, goals.maxConcurrentMovesPerCluster));

  const placement = placementAfter(fleet, plan.moves);
  const before = utilisationOf(fleet, new Map());
  const after = utilisationOf(fleet, placement);
  for (const row of plan.utilisation) {
    if (Math.abs(row.before - before.get(row.cluster)!) > EPS)
      problems.push(`${row.cluster} before misreported`);
    if (Math.abs(row.after - after.get(row.cluster)!) > EPS)
      problems.push(`${row.cluster} after misreported`);
  }
  if (plan.utilisation.length !== fleet.clusters.length) problems.push('utilisation misses clusters');
  for (const c of targets) {
    if (after.get(c)! > goals.maxUtilisation + EPS) problems.push(`target ${c} ends over headroom`);
  }
  const held = goalsHold(fleet, goals, mode, placement);
  if (held.spread !== plan.goalsMet.spread) problems.push(`goalsMet.spread says ${plan.goalsMet.spread}`);
  if (held.headroom !== plan.goalsMet.headroom)
    problems.push(`goalsMet.headroom says ${plan.goalsMet.headroom}`);
  if (drained !== undefined) problems.push(...drainProblems(fleet, goals, drained, plan, placement, after));
  return problems;
}

function waveProblems(plan: RebalancePlan, maxConcurrent: number, perCluster: number): string[] {
  const problems: string[] = [];
  const byTopic = new Map(plan.moves.map((m) => [m.topic, m]));
  const scheduled = plan.waves.flat();
  if (scheduled.length !== plan.moves.length || new Set(scheduled).size !== scheduled.length) {
    problems.push('waves do not hold every move exactly once');
  }
  plan.waves.forEach((wave, i) => {
    if (wave.length === 0 || wave.length > maxConcurrent) problems.push(`wave ${i} has ${wave.length} moves`);
    const busy = new Map<string, number>();
    for (const topic of wave) {
      const m = byTopic.get(topic);
      if (!m) problems.push(`wave ${i} runs unplanned ${topic}`);
      else for (const c of [m.from, m.to]) busy.set(c, (busy.get(c) ?? 0) + 1);
    }
    for (const [c, n] of busy) if (n > perCluster) problems.push(`wave ${i} touches ${c} ${n} times`);
  });
  return problems;
}

function drainProblems(
  fleet: FleetLoad,
  goals: ReturnType<typeof rebalanceGoals.parse>,
  drained: string,
  plan: RebalancePlan,
  placement: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, number>,
): string[] {
  const problems: string[] = [];
  const loads = loadsOf(fleet, placement);
  const left = fleet.topics.filter((t) => placement.get(t.name) === drained).map((t) => t.name);
  const reported = plan.unplaceable.map((u) => u.topic);
  if ([...left].sort().join() !== [...reported].sort().join()) {
    problems.push(`left on ${drained}: ${left.length}, reported unplaceable: ${reported.length}`);
  }
  if (plan.goalsMet.drained !== (left.length === 0)) problems.push('goalsMet.drained is wrong');
  const source = fleet.clusters.find((c) => c.id === drained)!;
  const eligible = fleet.clusters.filter(
    (c) =>
      c.id !== drained &&
      !c.draining &&
      (!goals.sameRegion || c.region === source.region) &&
      (!goals.sameEnvironment || c.environment === source.environment),
  );
  for (const u of plan.unplaceable) {
    const topic = fleet.topics.find((t) => t.name === u.topic)!;
    const isPinned = topic.pinned || goals.pinned.some((p) => p.topic === u.topic);
    if (u.reason === 'pinned' && !isPinned) problems.push(`${u.topic} reported pinned but is not`);
    if (u.reason !== 'pinned' && isPinned) problems.push(`pinned ${u.topic} reported as ${u.reason}`);
    if (u.reason === 'no-eligible-target' && eligible.length > 0) problems.push(`${u.topic} had targets`);
    if (u.reason === 'no-headroom') {
      // Targets only gained load during the drain, so fitting now means it fitted when tried.
      const fits = eligible.find((c) =>
        DIMS.every((d, i) => (loads.get(c.id)![i] + topic[d]) / c.capacity[d] <= goals.maxUtilisation + EPS),
      );
      if (fits) problems.push(`${u.topic} reported without headroom, fits on ${fits.id}`);
    }
  }
  if (after.get(drained)! > 0 && left.length === 0) problems.push(`${drained} empty but utilised`);
  return problems;
}
