import { ConnectorError } from '../errors.ts';

/**
 * Another process took the organization over (this one stalled past its lease and the other found it
 * expired): the run stops writing, and the run record is left to the new holder, which marks it abandoned.
 */
export class LeaseLostError extends ConnectorError {
  readonly code = 'LEASE_LOST';
}
