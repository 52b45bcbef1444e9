import { createSeededRandom, randomInt } from '../random/random-source';
import { scheduleWaves, type SchedulableMove } from './wave-scheduler';

const move = (topic: string, from: string, to: string): SchedulableMove => ({ topic, from, to });

describe('scheduleWaves', () => {
  it('puts independent moves together up to the wave size', () => {
    const moves = [move('a', 'x1', 'y1'), move('b', 'x2', 'y2'), move('c', 'x3', 'y3')];
    expect(scheduleWaves(moves, 2, 1)).toEqual([['a', 'b'], ['c']]);
  });

  it('separates moves sharing a cluster beyond the per-cluster limit, first fit in plan order', () => {
    const moves = [move('a', 'x', 'y1'), move('b', 'x', 'y2'), move('c', 'z', 'y1'), move('d', 'x', 'y3')];
    expect(scheduleWaves(moves, 4, 1)).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(scheduleWaves(moves, 4, 2)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('plans no waves for no moves', () => {
    expect(scheduleWaves([], 4, 1)).toEqual([]);
  });

  it('holds every move exactly once within both limits, on random plans', () => {
    const rng = createSeededRandom(3);
    for (let round = 0; round < 20; round++) {
      const moves = Array.from({ length: 200 }, (_, i) =>
        move(`t${i}`, `c${randomInt(rng, 10)}`, `d${randomInt(rng, 10)}`),
      );
      const [maxConcurrent, perCluster] = [1 + randomInt(rng, 6), 1 + randomInt(rng, 3)];
      const waves = scheduleWaves(moves, maxConcurrent, perCluster);
      expect(waves.flat().sort()).toEqual(moves.map((m) => m.topic).sort());
      for (const wave of waves) {
        expect(wave.length).toBeLessThanOrEqual(maxConcurrent);
        const busy = new Map<string, number>();
        for (const m of moves.filter((x) => wave.includes(x.topic))) {
          for (const c of [m.from, m.to]) busy.set(c, (busy.get(c) ?? 0) + 1);
        }
        expect(Math.max(...busy.values())).toBeLessThanOrEqual(perCluster);
      }
    }
  });
});
