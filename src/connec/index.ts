export * from './connec-client.ts';
export * from './errors.ts';
export * from './filter.ts';
export * from './ids.ts';
export * from './notification.ts';
export * from './records.ts';
