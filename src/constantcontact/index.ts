// The Constant Contact room's public surface: the rest of the connector imports from here.
export { CcAccountApi } from './account-api.ts';
export {
  CcActivitiesApi,
  MAX_ACTIVITY_CONTACT_IDS,
  MAX_ACTIVITY_LIST_IDS,
  type WaitForActivityOptions,
} from './activities-api.ts';
export { createCcBudgetLimiter } from './budget-limiter.ts';
export {
  type BulkImportOptions,
  type BulkImportResult,
  CC_IMPORT_LIMITS,
  type ImportLimits,
  importContactsInBulk,
  splitImportRows,
} from './bulk-import.ts';
export {
  type CcClientConfig,
  type CcOrganizationClient,
  ConstantContactClient,
  type ConstantContactClientOptions,
} from './client.ts';
export { type ClientClock, systemClientClock } from './clock.ts';
export { CcContactsApi } from './contacts-api.ts';
export { nextUtcMidnight, parseCcErrors } from './error-mapping.ts';
export * from './errors.ts';
export { CcListsApi } from './lists-api.ts';
export { type CcAuthorizationRequest, CcOAuth, pkceChallenge } from './oauth.ts';
export {
  type BudgetReading,
  type CcBudgetLimiter,
  InMemoryRateLimiter,
  type InMemoryRateLimiterOptions,
  type RateLimiter,
  type RatePermit,
} from './rate-limiter.ts';
export { RedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.ts';
export { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
export { CC_TOKEN_REQUESTS_PER_SECOND, createTokenEndpointLimiter } from './token-endpoint-limiter.ts';
export {
  type AccessTokenProvider,
  TokenRefreshCoordinator,
  type TokenRefreshOutcome,
  type TokenStore,
} from './token-refresh-coordinator.ts';
export type * from './types.ts';
export { CONNECTOR_SCOPES } from './types.ts';
