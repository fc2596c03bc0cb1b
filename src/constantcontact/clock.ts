// The clock is shared with the Connec! client: see src/retry.ts.
export { type ClientClock, systemClientClock } from '../retry.ts';
