export * from './error-codes';
export * from './groups';
export * from './migrations';
export * from './names';
export * from './resources';
export * from './runtime';
export * from './rebalance';
export * from './rebalance-plans';
