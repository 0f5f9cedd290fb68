/** Analytics' pure model: which days a rollup run computes, and its requests. */
export * from './plan';
export * from './requests';
