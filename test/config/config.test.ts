import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { ConfigError } from '../../src/config/config-error.ts';

const KEY = randomBytes(32).toString('base64');

/** The message of the ConfigError that `env` causes; fails the test if there is none. */
function configErrorFor(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    return error.message;
  }
  assert.fail(`no configuration error for ${JSON.stringify(env)}`);
}

describe('configuration', () => {
  it('needs nothing to start: SQLite under ./data on port 3000', () => {
    const config = loadConfig({});
    assert.deepEqual(config.server, {
      host: 'localhost',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      trustProxy: false,
    });
    assert.deepEqual(config.database, { kind: 'sqlite', file: resolve('data/connector.sqlite') });
    assert.equal(config.encryption.current, null, 'the key is generated into the data folder');
    assert.deepEqual(config.tenants, []);
    assert.equal(config.constantContact.redirectUri, 'http://localhost:3000/constantcontact/oauth/callback');
    assert.equal(config.constantContact.apiBaseUrl, 'https://api.cc.email');
    assert.equal(config.constantContact.authBaseUrl, 'https://authz.constantcontact.com');
    assert.equal(config.logLevel, 'info');
  });

  it('switches to PostgreSQL with DATABASE_URL and then requires an encryption key', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/connector', ENCRYPTION_KEY: KEY });
    assert.deepEqual(config.database, { kind: 'postgres', url: 'postgres://u@db:5432/connector' });
    assert.equal(config.encryption.current, KEY);
    assert.match(
      configErrorFor({ DATABASE_URL: 'postgresql://u@db/connector' }),
      /^ENCRYPTION_KEY: is required with PostgreSQL.*\(example: ENCRYPTION_KEY=/,
    );
  });

  it('derives the public URL and redirect URI from the port, and trims trailing slashes', () => {
    const config = loadConfig({ PORT: '8080', CC_API_BASE_URL: 'http://127.0.0.1:4010/' });
    assert.equal(config.server.publicUrl, 'http://localhost:8080');
    assert.equal(config.constantContact.apiBaseUrl, 'http://127.0.0.1:4010');
    const behindProxy = loadConfig({ PUBLIC_URL: 'https://cc.example.com/' });
    assert.equal(
      behindProxy.constantContact.redirectUri,
      'https://cc.example.com/constantcontact/oauth/callback',
    );
  });

  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /^PORT="abc": must be a whole number \(example: PORT=3000\)$/],
    [{ PORT: '70000' }, /^PORT="70000": must be from 1 to 65535 \(example: PORT=3000\)$/],
    [
      { PUBLIC_URL: 'cc.example.com' },
      /^PUBLIC_URL="cc.example.com": must be an http:\/\/ or https:\/\/ URL \(example: /,
    ],
    [
      { DATABASE_URL: 'mysql://root@db/x' },
      /^DATABASE_URL: must be a postgres:\/\/ URL or sqlite:PATH \(example: /,
    ],
    [{ ENCRYPTION_KEY: 'short' }, /^ENCRYPTION_KEY: must be 32 bytes in base64 .*\(example: ENCRYPTION_KEY=/],
    [
      { ENCRYPTION_PREVIOUS_KEYS: `${KEY},nope` },
      /^ENCRYPTION_PREVIOUS_KEYS: key 2 must be 32 bytes in base64/,
    ],
    [{ CC_API_BASE_URL: 'ftp://x' }, /^CC_API_BASE_URL="ftp:\/\/x": must be an http/],
    [{ CC_AUTH_BASE_URL: 'not a url' }, /^CC_AUTH_BASE_URL="not a url": must be an http/],
    [{ CC_REDIRECT_URI: '/callback' }, /^CC_REDIRECT_URI="\/callback": must be an http/],
    [{ CC_CLIENT_ID: 'abc' }, /^CC_CLIENT_SECRET: is required when CC_CLIENT_ID is set/],
    [{ CC_CLIENT_SECRET: 'abc' }, /^CC_CLIENT_ID: is required when CC_CLIENT_SECRET is set/],
    [
      { LOG_LEVEL: 'loud' },
      /^LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent/,
    ],
    [
      { SANDBOX_ORGS: '0' },
      /^SANDBOX_ORGS="0": must be a whole number from 1 to 500 \(example: SANDBOX_ORGS=50\)/,
    ],
    [{ SANDBOX_ORGS: '501' }, /^SANDBOX_ORGS="501": must be a whole number from 1 to 500/],
    [{ SANDBOX_ORGS: 'lots' }, /^SANDBOX_ORGS="lots": must be a whole number from 1 to 500/],
    [
      { TRUST_PROXY: 'true' },
      /^TRUST_PROXY="true": true would believe any client; give the number of proxies/,
    ],
    [
      { TRUST_PROXY: '10.0.0.1,nope' },
      /^TRUST_PROXY="10.0.0.1,nope": must be a number of proxies, or IP addresses/,
    ],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /^TRUST_PROXY="10.0.0.0\/33": must be a number of proxies/],
    [
      { TENANTS_FILE: '/nonexistent/tenants.json' },
      /^TENANTS_FILE: cannot read "\/nonexistent\/tenants.json": ENOENT/,
    ],
  ];
  for (const [env, expected] of cases) {
    it(`explains a bad ${Object.keys(env)[0]} in one line`, () => {
      assert.match(configErrorFor(env), expected);
    });
  }

  it('believes no proxy unless TRUST_PROXY names how many, or which', () => {
    assert.equal(loadConfig({}).server.trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '0' }).server.trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).server.trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).server.trustProxy, [
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
    ]);
  });

  it('seeds two demo organizations unless SANDBOX_ORGS says how many', () => {
    assert.equal(loadConfig({}).demo.organizations, 2);
    assert.equal(loadConfig({ SANDBOX_ORGS: '40' }).demo.organizations, 40);
  });

  it('runs as one process unless REDIS_URL asks for scale-out, which needs PostgreSQL', () => {
    const embedded = loadConfig({});
    assert.equal(embedded.scaleOut, null);
    assert.deepEqual(embedded.ccBudget, {
      perSecond: 4,
      perDay: 10_000,
      priorityReserve: 0.25,
      chunkCalls: 25,
    });
    assert.deepEqual(embedded.polling, { minMs: 15 * 60_000, maxMs: 24 * 60 * 60_000 });
    const postgres = { DATABASE_URL: 'postgres://u@db:5432/connector', ENCRYPTION_KEY: KEY };
    const worker = loadConfig({ ...postgres, REDIS_URL: 'redis://cache:6379', ROLE: 'worker' });
    assert.deepEqual(worker.scaleOut, {
      redisUrl: 'redis://cache:6379',
      role: 'worker',
      keyPrefix: 'cc-connector',
    });
    assert.equal(loadConfig({ ...postgres, REDIS_URL: 'redis://cache:6379' }).scaleOut?.role, 'all');
    const staging = loadConfig({
      ...postgres,
      REDIS_URL: 'redis://cache:6379',
      REDIS_KEY_PREFIX: 'cc-staging',
    });
    assert.equal(staging.scaleOut?.keyPrefix, 'cc-staging', 'deployments sharing one Redis keep apart');
    assert.match(configErrorFor({ REDIS_KEY_PREFIX: 'has space' }), /^REDIS_KEY_PREFIX="has space": must be/);
    assert.match(
      configErrorFor({ REDIS_URL: 'redis://cache:6379' }),
      /^REDIS_URL: scale-out mode needs PostgreSQL.*\(example: DATABASE_URL=postgres:/,
    );
    assert.match(configErrorFor({ ROLE: 'web' }), /^ROLE="web": needs REDIS_URL/);
    assert.match(configErrorFor({ ...postgres, REDIS_URL: 'http://x' }), /^REDIS_URL: must be a redis:/);
    assert.match(configErrorFor({ ROLE: 'both' }), /^ROLE="both": must be one of web, worker, all/);
  });

  it('reads the shared CC budget and the poll interval bounds', () => {
    const config = loadConfig({
      CC_RATE_PER_SECOND: '2',
      CC_DAILY_LIMIT: '50000',
      CC_PRIORITY_RESERVE: '0.3',
      CC_RUN_CHUNK_CALLS: '40',
      POLL_MIN: '5',
      POLL_MAX: '60',
    });
    assert.deepEqual(config.ccBudget, { perSecond: 2, perDay: 50_000, priorityReserve: 0.3, chunkCalls: 40 });
    assert.deepEqual(config.polling, { minMs: 5 * 60_000, maxMs: 60 * 60_000 });
    assert.match(configErrorFor({ CC_DAILY_LIMIT: '0' }), /^CC_DAILY_LIMIT="0": must be a whole number/);
    assert.match(
      configErrorFor({ CC_RUN_CHUNK_CALLS: '2' }),
      /^CC_RUN_CHUNK_CALLS="2": must be a whole number/,
    );
    assert.match(
      configErrorFor({ POLL_MIN: '30', POLL_MAX: '20' }),
      /^POLL_MAX="20": must be at least POLL_MIN/,
    );
  });

  it('never echoes a secret value in an error', () => {
    const secret = 'my-super-secret-value';
    assert.ok(!configErrorFor({ ENCRYPTION_KEY: secret }).includes(secret));
    assert.ok(!configErrorFor({ DATABASE_URL: `mysql://root:${secret}@db/x` }).includes(secret));
    assert.ok(!configErrorFor({ REDIS_URL: `http://:${secret}@cache` }).includes(secret));
  });
});
