import { ConnectorError } from '../errors.ts';

/** True for SQLite's and PostgreSQL's unique-constraint errors. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

export class NotFoundError extends ConnectorError {
  readonly code = 'DB_NOT_FOUND';
  override readonly httpStatus = 404;
}

export class CcAccountAlreadyLinkedError extends ConnectorError {
  readonly code = 'ORG_CC_ACCOUNT_TAKEN';
  override readonly httpStatus = 409;
}

export class OrganizationDeletedError extends ConnectorError {
  readonly code = 'ORG_DELETED';
  override readonly httpStatus = 410;
}

export class InvalidSettingsError extends ConnectorError {
  readonly code = 'ORG_SETTINGS_INVALID';
  override readonly httpStatus = 400;
}

export class InvalidRunTransitionError extends ConnectorError {
  readonly code = 'RUN_TRANSITION_INVALID';
}

/** A lock shared across processes was not free within the wait bound: its holder is stuck or very slow. */
export class LockWaitTimeoutError extends ConnectorError {
  readonly code = 'DB_LOCK_TIMEOUT';
  override readonly httpStatus = 503;
}
