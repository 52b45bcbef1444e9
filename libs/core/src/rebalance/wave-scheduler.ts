/** The parts of a move the scheduler needs. */
export interface SchedulableMove {
  readonly topic: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Groups moves into waves that run one after another: at most `maxConcurrent` moves per wave and
 * at most `perCluster` moves touching any one cluster (as source or target) per wave, because each
 * shuffle adds consumer catch-up and producer reconnects to both ends. First fit in plan order, so
 * the moves the planner found most urgent run earliest.
 *
 * @example
 * scheduleWaves([{ topic: 'a', from: 'x', to: 'y' }, { topic: 'b', from: 'x', to: 'z' }], 4, 1);
 * // [['a'], ['b']] — both leave x, which takes one move per wave
 */
export function scheduleWaves(
  moves: readonly SchedulableMove[],
  maxConcurrent: number,
  perCluster: number,
): string[][] {
  const waves: Array<{ topics: string[]; busy: Map<string, number> }> = [];
  const fits = (wave: (typeof waves)[number], move: SchedulableMove) =>
    wave.topics.length < maxConcurrent &&
    (wave.busy.get(move.from) ?? 0) < perCluster &&
    (wave.busy.get(move.to) ?? 0) < perCluster;
  for (const move of moves) {
    let wave = waves.find((w) => fits(w, move));
    if (!wave) waves.push((wave = { topics: [], busy: new Map() }));
    wave.topics.push(move.topic);
    wave.busy.set(move.from, (wave.busy.get(move.from) ?? 0) + 1);
    wave.busy.set(move.to, (wave.busy.get(move.to) ?? 0) + 1);
  }
  return waves.map((w) => w.topics);
}
