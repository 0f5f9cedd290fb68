/** The review workflow: queue states, decisions, the two-person rule and deadlines. */
export * from './deadline';
export * from './events';
export * from './model';
export * from './state';
export * from './inputs';
export * from './record';
