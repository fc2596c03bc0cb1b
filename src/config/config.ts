import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { DEFAULT_SANDBOX_ORGS } from '../../sandbox/sandbox-orgs.ts';
import { DEFAULT_KEY_PREFIX } from '../redis/redis-connection.ts';
import { ConfigError } from './config-error.ts';
import { SETTINGS, type SettingName, type SettingSpec } from './settings.ts';
import { loadTenantsFile, type Tenant } from './tenants.ts';

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** What a process does in scale-out mode; the embedded process does everything. */
export type ProcessRole = 'web' | 'worker' | 'all';

export interface ConstantContactConfig {
  /** Absent until the operator registers the connector with Constant Contact; linking is refused until then. */
  clientId: string | null;
  clientSecret: string | null;
  redirectUri: string;
  apiBaseUrl: string;
  authBaseUrl: string;
}

export interface Config {
  server: {
    host: string;
    port: number;
    publicUrl: string;
    /** Proxies whose X-Forwarded-For is believed: none, a hop count, or their addresses. */
    trustProxy: false | number | string[];
  };
  dataDir: string;
  database: DatabaseConfig;
  /** Base64 keys; `current` is null when it is to be generated into the data folder (SQLite only). */
  encryption: { current: string | null; previous: string[] };
  tenants: Tenant[];
  tenantsFile: string | null;
  constantContact: ConstantContactConfig;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  web: {
    /** Where an already linked launch goes: Constant Contact's own web app. */
    ccAppUrl: string;
    /** Null: derived from the encryption key, so the embedded default needs no setup. */
    sessionSecret: string | null;
  };
  /** Null in embedded mode (no REDIS_URL): one process, an in-process queue. */
  scaleOut: { redisUrl: string; role: ProcessRole; keyPrefix: string } | null;
  /** Constant Contact's budget, shared by every organization and process. */
  ccBudget: { perSecond: number; perDay: number; priorityReserve: number; chunkCalls: number };
  /** Bounds of an organization's adaptive poll interval. */
  polling: { minMs: number; maxMs: number };
  /**
   * Alert emails to organizations' admins. `smtpUrl` null: they are off. `from` defaults to an address at
   * PUBLIC_URL's host.
   */
  alerts: { smtpUrl: string | null; from: { name: string | null; address: string } };
  /** The emulators when `npm start` runs the demo (no tenants file and no CC credentials): ports, and how many organizations and CC accounts to seed. */
  demo: { platformPort: number; ccPort: number; organizations: number };
}

type Parsed = { [K in SettingName]?: z.output<Extract<(typeof SETTINGS)[number], { name: K }>['schema']> };

function parseSetting(spec: SettingSpec, raw: string): unknown {
  const result = spec.schema.safeParse(raw);
  if (result.success) return result.data;
  const shown = spec.secret ? '' : `="${raw}"`;
  const problem = result.error.issues[0]?.message ?? 'is invalid';
  throw new ConfigError(`${spec.name}${shown}: ${problem} (example: ${spec.name}=${spec.example})`);
}

/**
 * Reads and validates the connector's settings from environment variables. Throws a `ConfigError` whose
 * message is one line naming the variable, what is wrong and an example; nothing is started on a bad value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed: Record<string, unknown> = {};
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    const raw = env[spec.name];
    if (raw === undefined || raw === '') continue;
    parsed[spec.name] = parseSetting(spec, raw);
  }
  const s = parsed as Parsed;

  const port = s.PORT ?? 3000;
  const publicUrl = s.PUBLIC_URL ?? `http://localhost:${port}`;
  const dataDir = resolve(s.DATA_DIR ?? './data');
  const database: DatabaseConfig = !s.DATABASE_URL
    ? { kind: 'sqlite', file: join(dataDir, 'connector.sqlite') }
    : s.DATABASE_URL.startsWith('sqlite:')
      ? {
          kind: 'sqlite',
          file: s.DATABASE_URL === 'sqlite::memory:' ? ':memory:' : resolve(s.DATABASE_URL.slice(7)),
        }
      : { kind: 'postgres', url: s.DATABASE_URL };

  if (database.kind === 'postgres' && !s.ENCRYPTION_KEY) {
    throw new ConfigError(
      'ENCRYPTION_KEY: is required with PostgreSQL, so every process reads the same tokens (example: ENCRYPTION_KEY=$(openssl rand -base64 32))',
    );
  }
  if (Boolean(s.CC_CLIENT_ID) !== Boolean(s.CC_CLIENT_SECRET)) {
    const missing = s.CC_CLIENT_ID ? 'CC_CLIENT_SECRET' : 'CC_CLIENT_ID';
    throw new ConfigError(
      `${missing}: is required when ${missing === 'CC_CLIENT_ID' ? 'CC_CLIENT_SECRET' : 'CC_CLIENT_ID'} is set (example: ${missing}=...)`,
    );
  }

  if (s.REDIS_URL && database.kind !== 'postgres') {
    throw new ConfigError(
      'REDIS_URL: scale-out mode needs PostgreSQL, which every process shares (example: DATABASE_URL=postgres://postgres@127.0.0.1:5432/connector)',
    );
  }
  if (!s.REDIS_URL && s.ROLE && s.ROLE !== 'all') {
    throw new ConfigError(
      `ROLE="${s.ROLE}": needs REDIS_URL, where web processes queue the runs workers take (example: REDIS_URL=redis://127.0.0.1:6379)`,
    );
  }
  const pollMin = s.POLL_MIN ?? 15;
  const pollMax = s.POLL_MAX ?? 1440;
  if (pollMax < pollMin) {
    throw new ConfigError(
      `POLL_MAX="${pollMax}": must be at least POLL_MIN (${pollMin}) (example: POLL_MAX=1440)`,
    );
  }

  return {
    server: { host: s.HOST ?? 'localhost', port, publicUrl, trustProxy: s.TRUST_PROXY ?? false },
    dataDir,
    database,
    encryption: { current: s.ENCRYPTION_KEY ?? null, previous: s.ENCRYPTION_PREVIOUS_KEYS ?? [] },
    tenants: s.TENANTS_FILE ? loadTenantsFile(s.TENANTS_FILE) : [],
    tenantsFile: s.TENANTS_FILE ?? null,
    constantContact: {
      clientId: s.CC_CLIENT_ID ?? null,
      clientSecret: s.CC_CLIENT_SECRET ?? null,
      redirectUri: s.CC_REDIRECT_URI ?? `${publicUrl}/constantcontact/oauth/callback`,
      apiBaseUrl: s.CC_API_BASE_URL ?? 'https://api.cc.email',
      authBaseUrl: s.CC_AUTH_BASE_URL ?? 'https://authz.constantcontact.com',
    },
    logLevel: s.LOG_LEVEL ?? 'info',
    web: {
      ccAppUrl: s.CC_APP_URL ?? 'https://app.constantcontact.com',
      sessionSecret: s.SESSION_SECRET ?? null,
    },
    scaleOut: s.REDIS_URL
      ? { redisUrl: s.REDIS_URL, role: s.ROLE ?? 'all', keyPrefix: s.REDIS_KEY_PREFIX ?? DEFAULT_KEY_PREFIX }
      : null,
    ccBudget: {
      perSecond: s.CC_RATE_PER_SECOND ?? 4,
      perDay: s.CC_DAILY_LIMIT ?? 10_000,
      priorityReserve: s.CC_PRIORITY_RESERVE ?? 0.25,
      chunkCalls: s.CC_RUN_CHUNK_CALLS ?? 25,
    },
    polling: { minMs: pollMin * 60_000, maxMs: pollMax * 60_000 },
    alerts: {
      smtpUrl: s.SMTP_URL ?? null,
      from: s.ALERT_FROM ?? {
        name: 'Constant Contact connector',
        address: `noreply@${new URL(publicUrl).hostname}`,
      },
    },
    demo: {
      platformPort: s.PLATFORM_SANDBOX_PORT ?? 4000,
      ccPort: s.CC_SANDBOX_PORT ?? 4010,
      organizations: s.SANDBOX_ORGS ?? DEFAULT_SANDBOX_ORGS,
    },
  };
}
