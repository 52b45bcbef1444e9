/**
 * A source of uniform numbers in [0, 1). Planners take one as a parameter instead of calling
 * `Math.random`, so the same input and seed always give the same plan and tests can pin it down.
 */
export interface RandomSource {
  next(): number;
}

/**
 * A small seeded generator (mulberry32: 32-bit state, passes the usual statistical batteries for
 * tie-breaking and test-data purposes; not for anything security-related).
 *
 * @example
 * const rng = createSeededRandom(42);
 * rng.next(); // always the same first value for seed 42
 */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) | 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** An integer in [0, bound), from `rng`. */
export function randomInt(rng: RandomSource, bound: number): number {
  return Math.floor(rng.next() * bound);
}

/** The production source, for retries and jitter where no test pins the sequence. */
export const SYSTEM_RANDOM: RandomSource = Object.freeze({ next: () => Math.random() });
