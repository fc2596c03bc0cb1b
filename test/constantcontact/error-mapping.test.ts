import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  errorFromResponse,
  nextUtcMidnight,
  parseCcErrors,
  parseRetryAfter,
} from '../../src/constantcontact/error-mapping.ts';
import {
  CC_ERROR_CODES,
  CcActivityFailedError,
  CcActivityQueueFullError,
  CcConflictError,
  CcForbiddenError,
  CcNeedsReconnectError,
  CcNotFoundError,
  CcQuotaExceededError,
  CcRateLimitedError,
  CcUnavailableError,
  CcUnexpectedResponseError,
  CcValidationError,
} from '../../src/constantcontact/errors.ts';
import { ConnectorError } from '../../src/errors.ts';

const context = { method: 'POST', path: '/v3/contacts' };
const now = new Date('2026-03-10T17:45:00.000Z');
const map = (status: number, body: unknown) => errorFromResponse(status, body, context, { now });

describe('parseCcErrors', () => {
  it('reads arrays, single objects and unknown bodies without losing them', () => {
    const entry = { error_key: 'contacts.api.validation.error', error_message: 'email is invalid' };
    assert.deepEqual(parseCcErrors([entry], 400), [entry]);
    assert.deepEqual(parseCcErrors({ error_key: 'throttled', error_message: 'slow down' }, 429), [
      { error_key: 'throttled', error_message: 'slow down' },
    ]);
    assert.deepEqual(parseCcErrors('<html>bad gateway</html>', 502), [
      { error_key: 'http.502', error_message: '"<html>bad gateway</html>"' },
    ]);
    assert.deepEqual(parseCcErrors(undefined, 404), []);
  });
});

describe('errorFromResponse', () => {
  it('maps each status to its typed error', () => {
    const errors = [{ error_key: 'k', error_message: 'm' }];
    assert.ok(map(400, errors) instanceof CcValidationError);
    assert.deepEqual((map(400, errors) as CcValidationError).errors, errors);
    assert.ok(map(403, errors) instanceof CcForbiddenError);
    assert.ok(map(404, errors) instanceof CcNotFoundError);
    assert.ok(map(409, errors) instanceof CcConflictError);
    assert.ok(map(503, errors) instanceof CcUnavailableError);
    assert.ok(map(418, errors) instanceof CcUnexpectedResponseError);
  });

  it('tells throttling from the spent daily quota, which resets at the next 00:00 UTC', () => {
    assert.ok(
      map(429, { error_key: 'throttled', error_message: 'Too many requests' }) instanceof CcRateLimitedError,
    );
    const quota = map(429, [{ error_key: 'quota_exceeded', error_message: 'Daily quota reached' }]);
    assert.ok(quota instanceof CcQuotaExceededError);
    assert.equal(quota.resetAt.toISOString(), '2026-03-11T00:00:00.000Z');
    assert.equal(quota.code, 'CC_QUOTA_EXCEEDED');
  });

  it('reads a 429 on creating an activity as a full activity queue, unless it says throttled', () => {
    const create = { method: 'POST', path: '/v3/activities/contacts_json_import' };
    const full = { error_key: 'any.key', error_message: 'You exceeded 1,000 queued activities' };
    const queued = errorFromResponse(429, full, create, { now });
    assert.ok(queued instanceof CcActivityQueueFullError);
    assert.equal(queued.code, 'CC_ACTIVITY_QUEUE_FULL');
    assert.match(queued.message, /later run/);
    const throttled = { error_key: 'throttled', error_message: 'slow down' };
    assert.ok(errorFromResponse(429, throttled, create, { now }) instanceof CcRateLimitedError);
    const poll = { method: 'GET', path: '/v3/activities/86b90820-cc52-11ea-9dad-fa163e3d9194' };
    assert.ok(errorFromResponse(429, full, poll, { now }) instanceof CcRateLimitedError);
  });

  it("carries the conflicting contact id when CC's message names it", () => {
    const conflict = map(409, [
      {
        error_key: 'contacts.api.conflict',
        error_message:
          'Email address a@ex.com is already in use by a deleted contact (contact_id 6F8A0B52-1C2D-4E3F-8A9B-0C1D2E3F4A5B).',
      },
    ]) as CcConflictError;
    assert.equal(conflict.conflictingId, '6f8a0b52-1c2d-4e3f-8a9b-0c1d2e3f4a5b');
    const withoutId = map(409, [{ error_key: 'contacts.api.conflict', error_message: 'List name in use.' }]);
    assert.equal((withoutId as CcConflictError).conflictingId, undefined);
  });
});

describe('time helpers', () => {
  it('nextUtcMidnight is strictly after now', () => {
    assert.equal(
      nextUtcMidnight(new Date('2026-03-10T00:00:00.000Z')).toISOString(),
      '2026-03-11T00:00:00.000Z',
    );
    assert.equal(
      nextUtcMidnight(new Date('2026-12-31T23:59:59.999Z')).toISOString(),
      '2027-01-01T00:00:00.000Z',
    );
  });

  it('parseRetryAfter reads seconds and dates', () => {
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter('Tue, 10 Mar 2026 17:45:03 GMT', now), 3000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });
});

describe('error classes', () => {
  it('all extend ConnectorError with a listed code', () => {
    const samples: ConnectorError[] = [
      map(400, []),
      map(403, []),
      map(404, []),
      map(409, []),
      map(429, []),
      map(500, []),
      map(418, []),
    ];
    for (const error of samples) {
      assert.ok(error instanceof ConnectorError);
      assert.ok((CC_ERROR_CODES as readonly string[]).includes(error.code), error.code);
      assert.ok(error.httpStatus >= 400);
    }
    assert.equal(new Set(CC_ERROR_CODES).size, CC_ERROR_CODES.length);
  });

  it("set CC's own full stops inside their sentences without doubling them", () => {
    const stopped = { error_key: 'activities.api.queue.full', error_message: 'Try again later.' };
    const messages = [
      new CcActivityFailedError('a1', 'failed', [
        'The activity failed to complete because of an internal error; none of its items were processed.',
      ]).message,
      new CcActivityQueueFullError([stopped], context).message,
      new CcValidationError([stopped], context).message,
      new CcConflictError([stopped], context).message,
      new CcNotFoundError([stopped], context).message,
      new CcForbiddenError([stopped], context).message,
      new CcUnavailableError('bad gateway.', context).message,
      new CcNeedsReconnectError('org-1', 'the refresh token was refused.').message,
    ];
    for (const message of messages) assert.doesNotMatch(message, /\.\./, message);
    assert.match(messages[0]!, /none of its items were processed\. The records it carried/);
  });
});
