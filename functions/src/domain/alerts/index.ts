/** Alerts: rules that match stored entries, their messages, and signed webhook delivery. */
export * from './messages';
export * from './rules';
export * from './webhook';
export * from './inputs';
export * from './destination';
