import {
  rebalanceGoals,
  rebalanceMode,
  type FieldIssue,
  type FleetLoad,
  type RebalanceGoals,
  type RebalanceGoalsInput,
  type RebalanceMode,
} from '@kafka-fleet/contracts';
import { ValidationError } from '../errors/fleet-errors';
import { validate } from '../validation/validate';
import { LOAD_DIMENSIONS } from './load-model';

/** A fleet with thousands of bad rows still gets a readable error; the first ones say enough. */
const MAX_ISSUES = 20;

export interface CheckedInput {
  readonly goals: RebalanceGoals;
  readonly mode: RebalanceMode;
  /** Topics that must not move: pinned in the model or by the goals. */
  readonly pinned: ReadonlySet<string>;
}

/**
 * Rejects input the planner could only answer with a wrong plan: non-positive capacity (utilisation
 * undefined), negative or non-finite loads, duplicate ids, topics on unknown clusters, pins that
 * name an unknown topic or cluster or disagree with where the topic is, a drain of an unknown
 * cluster. Hand-rolled rather than a schema parse of the fleet: it runs on every plan over tens of
 * thousands of topics and also needs the cross-references a per-row schema cannot see.
 *
 * @throws ValidationError listing the first bad fields.
 */
export function checkPlanInput(
  fleet: FleetLoad,
  goalsInput: RebalanceGoalsInput,
  modeInput: RebalanceMode,
): CheckedInput {
  const goals = validate(rebalanceGoals, goalsInput, 'rebalance goals');
  const mode = validate(rebalanceMode, modeInput, 'rebalance mode');
  const issues: FieldIssue[] = [];
  const issue = (path: string, reason: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ path, reason });
  };

  const clusters = new Map<string, number>();
  fleet.clusters.forEach((c, i) => {
    if (clusters.has(c.id)) issue(`clusters.${i}.id`, `duplicate cluster "${c.id}"`);
    clusters.set(c.id, i);
    if (!c.region || !c.environment) issue(`clusters.${i}`, 'region and environment must not be empty');
    for (const d of LOAD_DIMENSIONS) {
      const v = c.capacity?.[d];
      if (!(Number.isFinite(v) && v > 0)) issue(`clusters.${i}.capacity.${d}`, 'must be a number > 0');
    }
  });

  const topics = new Map<string, string>();
  fleet.topics.forEach((t, i) => {
    if (topics.has(t.name)) issue(`topics.${i}.name`, `duplicate topic "${t.name}"`);
    topics.set(t.name, t.cluster);
    if (!clusters.has(t.cluster)) issue(`topics.${i}.cluster`, `unknown cluster "${t.cluster}"`);
    for (const d of LOAD_DIMENSIONS) {
      const v = t[d];
      if (!(Number.isFinite(v) && v >= 0)) issue(`topics.${i}.${d}`, 'must be a number ≥ 0');
    }
  });

  const pinned = new Set(fleet.topics.filter((t) => t.pinned).map((t) => t.name));
  goals.pinned.forEach((pin, i) => {
    const at = topics.get(pin.topic);
    if (!clusters.has(pin.cluster)) issue(`pinned.${i}.cluster`, `unknown cluster "${pin.cluster}"`);
    else if (at === undefined) issue(`pinned.${i}.topic`, `unknown topic "${pin.topic}"`);
    else if (at !== pin.cluster) issue(`pinned.${i}.cluster`, `topic "${pin.topic}" is on "${at}", not here`);
    pinned.add(pin.topic);
  });

  if (mode.kind === 'drain' && !clusters.has(mode.cluster)) {
    issue('mode.cluster', `cannot drain unknown cluster "${mode.cluster}"`);
  }
  if (issues.length > 0) {
    throw new ValidationError(
      `invalid rebalance input: ${issues
        .slice(0, 3)
        .map((f) => `${f.path} ${f.reason}`)
        .join('; ')}${issues.length > 3 ? '; …' : ''}`,
      issues,
    );
  }
  return { goals, mode, pinned };
}
