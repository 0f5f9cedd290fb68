/** The pure model of exports and compliance reports: filters, encoders, job states, report building. */
export * from './access';
export * from './audit-events';
export * from './csv';
export * from './encoders';
export * from './errors';
export * from './filter';
export * from './job';
export * from './record';
export * from './report-kinds';
export * from './report-model';
export * from './tiers';
export * from './subject-access';
export * from './subject-summary';
export * from './populations';
