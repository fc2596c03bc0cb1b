import type { ConnectorError } from '../errors.ts';
import {
  CcActivityQueueFullError,
  CcConflictError,
  CcForbiddenError,
  CcNotFoundError,
  CcQuotaExceededError,
  CcRateLimitedError,
  type CcRequestContext,
  CcUnavailableError,
  CcUnexpectedResponseError,
  CcValidationError,
} from './errors.ts';
import type { CcApiError } from './types.ts';

/**
 * Reads CC's error body in any of the shapes it uses: the documented array of `{error_key, error_message}`,
 * a single such object (401 and 429 answers), or anything else (kept as one synthetic entry so no detail is
 * lost).
 */
export function parseCcErrors(body: unknown, status: number): CcApiError[] {
  const entries = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : [];
  const errors: CcApiError[] = [];
  for (const entry of entries) {
    if (entry && typeof entry === 'object' && typeof (entry as CcApiError).error_key === 'string') {
      const { error_key, error_message } = entry as CcApiError;
      errors.push({ error_key, error_message: typeof error_message === 'string' ? error_message : '' });
    }
  }
  if (errors.length === 0 && body !== undefined && body !== null && body !== '') {
    errors.push({ error_key: `http.${status}`, error_message: String(JSON.stringify(body)).slice(0, 200) });
  }
  return errors;
}

/** The moment CC's daily quota resets: the next 00:00 UTC strictly after `now`. */
export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

function isActivityCreation(context: CcRequestContext): boolean {
  return context.method === 'POST' && /^\/v3\/activities\/[^/]+$/.test(context.path);
}

/**
 * The typed error for a non-2xx API answer other than 401 (which the transport handles by refreshing the
 * token). Retryable ones (`CcRateLimitedError` for `throttled`, `CcUnavailableError` for 5xx) are raised per
 * attempt and retried by the transport.
 */
export function errorFromResponse(
  status: number,
  body: unknown,
  context: CcRequestContext,
  details: { now: Date; retryAfterMs?: number | undefined },
): ConnectorError {
  const errors = parseCcErrors(body, status);
  const keys = new Set(errors.map((e) => e.error_key));
  if (status === 429) {
    if (keys.has('quota_exceeded')) return new CcQuotaExceededError(nextUtcMidnight(details.now), context);
    // The only other 429 CC documents is on creating an activity: too many queued for the account. Its
    // body's key is undocumented, so anything but `throttled` there is read as that.
    if (isActivityCreation(context) && !keys.has('throttled'))
      return new CcActivityQueueFullError(errors, context);
    return new CcRateLimitedError(context, details.retryAfterMs);
  }
  if (status >= 500) {
    const detail = errors.length > 0 ? errors.map((e) => e.error_key).join(', ') : 'no details';
    return new CcUnavailableError(`HTTP ${status} (${detail})`, context, { status });
  }
  switch (status) {
    case 400:
    case 422:
      return new CcValidationError(errors, context);
    case 403:
      return new CcForbiddenError(errors, context);
    case 404:
      return new CcNotFoundError(errors, context);
    case 409:
      return new CcConflictError(errors, context);
    default:
      return new CcUnexpectedResponseError(`HTTP ${status}`, context, { status });
  }
}
