import { cpus, loadavg } from 'node:os';
import {
  createSeededRandom,
  planRebalance,
  type FleetLoad,
  type RebalanceGoalsInput,
  type RebalanceMode,
  type RebalancePlan,
} from '@kafka-fleet/core';
import { generateFleet } from '../../libs/core/src/rebalance/testing/fleet-generator';
import { findPlanProblems } from '../../libs/core/src/rebalance/testing/plan-checker';
import { writeBenchmarkSection } from '../benchmarks-file';

/**
 * `npm run bench:planner` — plans a rebalance and a drain of a generated, skewed fleet of 100
 * clusters and 25,000 topics (5 hot clusters), end to end through `planRebalance` (input checks
 * included), and checks every plan with the independent checker the unit tests use.
 */
const SHAPE = { clusters: 100, topics: 25_000, hotClusters: 5, hotFactor: 2.2 };
const FLEET_SEED = 1;
const PLAN_SEED = 7;
const WARMUP = 3;
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const GOALS: RebalanceGoalsInput = { tolerance: 0.1, maxUtilisation: 0.8 };

interface Measured {
  readonly label: string;
  readonly mode: RebalanceMode;
  readonly times: number[];
  /** The first plan in this mode, before the JIT has warmed up: what a one-shot CLI call sees. */
  readonly firstMs: number;
  readonly plan: RebalancePlan;
  readonly problems: string[];
}

function measure(fleet: FleetLoad, label: string, mode: RebalanceMode): Measured {
  const run = () => planRebalance(fleet, GOALS, createSeededRandom(PLAN_SEED), mode);
  const first = performance.now();
  run();
  const firstMs = performance.now() - first;
  for (let i = 1; i < WARMUP; i++) run();
  const times: number[] = [];
  let plan = run();
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    plan = run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { label, mode, times, firstMs, plan, problems: findPlanProblems(fleet, GOALS, mode, plan) };
}

function main(): void {
  // The machine is shared: the load when the run starts says how much the times can be trusted.
  const loadAtStart = loadavg()[0];
  const t0 = performance.now();
  const fleet = generateFleet(SHAPE, createSeededRandom(FLEET_SEED));
  const generateMs = performance.now() - t0;
  const balance = measure(fleet, 'balance', { kind: 'balance' });
  // Drain the most utilised cluster: the hardest one to find room for.
  const hottest = [...balance.plan.utilisation].sort((a, b) => b.before - a.before)[0];
  const results = [
    balance,
    measure(fleet, `drain ${hottest.cluster}`, { kind: 'drain', cluster: hottest.cluster }),
  ];

  const f = (n: number, d = 3) => n.toFixed(d);
  const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
  const tib = (bytes: number) => `${f(bytes / 2 ** 40, 1)} TiB`;
  const spread = (s: RebalancePlan['spread']['before']) => `${f(s.maxMinusMin)} / ${f(s.stddev)}`;
  const met = (p: RebalancePlan) =>
    Object.entries(p.goalsMet)
      .map(([goal, ok]) => `${goal} ${ok ? 'yes' : 'no'}`)
      .join(', ');
  const lines = [
    `Fleet: ${SHAPE.clusters} clusters (3 regions × 2 environments, three sizes), ${SHAPE.topics} topics with log-normal rates, ${SHAPE.hotClusters} hot clusters drawing ${SHAPE.hotFactor}× their share of topics; generated in ${f(generateMs, 0)} ms (fleet seed ${FLEET_SEED}, plan seed ${PLAN_SEED}).`,
    `Goals: every cluster within ±0.10 of the mean utilisation, headroom 0.80, same region and environment, 4 moves per wave, 2 per cluster per wave. Utilisation = max over bytes in, bytes out, storage, partitions of load / capacity. Drain target: ${hottest.cluster} (utilisation ${f(hottest.before)}).`,
    `Time is \`planRebalance\` end to end (input checks, planning, pruning, waves): median of ${RUNS} runs after ${WARMUP} warm-ups, with min and max; "first" is the very first plan of that mode in the process (cold JIT), what a one-shot CLI call would see. Load average at start: ${f(loadAtStart, 1)} on ${cpus().length} cores.`,
    '',
    '| mode | plan time median (min – max) | first | moves | waves | bytes moved | spread before: max−min / stddev | spread after | goals met | stop reason | unplaceable | checker problems |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.label} | **${f(median(r.times), 1)} ms** (${f(r.times[0], 1)} – ${f(r.times[r.times.length - 1], 1)}) | ${f(r.firstMs, 0)} ms | ${r.plan.totals.moves} | ${r.plan.waves.length} | ${tib(r.plan.totals.bytesMoved)} | ${spread(r.plan.spread.before)} | ${spread(r.plan.spread.after)} | ${met(r.plan)} | ${r.plan.stopReason} | ${r.plan.unplaceable.length} | ${r.problems.length} |`,
    ),
    '',
    'A drain only empties its cluster (spread is over the remaining clusters, which the drain does not rebalance); run a balance plan after it.',
  ];
  for (const r of results) if (r.problems.length) console.error(r.label, r.problems.slice(0, 10));
  writeBenchmarkSection('planner', 'Fleet rebalance planner', 'npm run bench:planner', lines);
  if (results.some((r) => r.problems.length)) process.exitCode = 1;
}

main();
