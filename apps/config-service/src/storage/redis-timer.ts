/** Observes how long each Redis call takes; implemented by the metrics layer. */
export interface RedisTimer {
  time<T>(command: string, run: () => Promise<T>): Promise<T>;
}

export const REDIS_TIMER = Symbol('REDIS_TIMER');
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
