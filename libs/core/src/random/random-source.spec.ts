import { createSeededRandom, randomInt } from './random-source';

describe('createSeededRandom', () => {
  const draw = (seed: number, n: number) => {
    const rng = createSeededRandom(seed);
    return Array.from({ length: n }, () => rng.next());
  };

  it('repeats the same sequence for the same seed', () => {
    expect(draw(7, 50)).toEqual(draw(7, 50));
  });

  it('gives a different sequence for a different seed', () => {
    expect(draw(7, 50)).not.toEqual(draw(8, 50));
  });

  it('stays in [0, 1) and spreads over the range', () => {
    const values = draw(123, 10_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const buckets = new Array<number>(10).fill(0);
    for (const v of values) buckets[Math.floor(v * 10)]++;
    // 1,000 expected per bucket; ±200 is far outside what a uniform source produces by chance.
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(200);
  });

  it('draws integers below the bound, reaching both ends', () => {
    const rng = createSeededRandom(1);
    const seen = new Set(Array.from({ length: 1000 }, () => randomInt(rng, 5)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
