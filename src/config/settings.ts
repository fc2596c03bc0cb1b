import { isIP } from 'node:net';
import { z } from 'zod';
import { MAX_SANDBOX_ORGS } from '../../sandbox/sandbox-orgs.ts';

/**
 * Every environment variable the connector reads, declared once: README's configuration table is checked
 * against this list by a test, and validation errors quote `example`.
 */
export interface SettingSpec {
  name: string;
  /** Shown in README; `null` when the default is computed (the description says how). */
  default: string | null;
  example: string;
  description: string;
  /** Never echo the value in an error. */
  secret?: boolean;
  schema: z.ZodType;
}

const port = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535');

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .transform((u) => u.replace(/\/+$/, ''));

const base64Key = z.string().refine((v) => {
  const bytes = Buffer.from(v, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === v.replace(/\s/g, '');
}, 'must be 32 bytes in base64 (make one with: openssl rand -base64 32)');

/** One proxy address: an IPv4 or IPv6 address, optionally a CIDR range. */
function isProxyAddress(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Which proxies' X-Forwarded-For to believe: none (false), a hop count, or their addresses. `true` (any
 * client's header) is refused: it would let anyone choose the address rate limits and logs see.
 */
const trustProxy = z.string().transform((value, ctx): false | number | string[] => {
  const v = value.trim();
  if (v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v.split(',').map((e) => e.trim());
  if (v !== 'true' && entries.every(isProxyAddress)) return entries;
  ctx.addIssue({
    code: 'custom',
    message:
      v === 'true'
        ? 'true would believe any client; give the number of proxies in front, or their addresses'
        : 'must be a number of proxies, or IP addresses and CIDR ranges separated by commas',
  });
  return z.NEVER;
});

/** An SMTP server's URL, as nodemailer reads it (credentials and options may ride along). */
const smtpUrl = z.string().refine((v) => {
  try {
    const url = new URL(v);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must be an smtp:// or smtps:// URL with a host');

/** A sender: `address`, or `Name <address>`. Kept apart so the mailer quotes the name itself. */
const mailbox = z.string().transform((value, ctx): { name: string | null; address: string } => {
  const parts = /^\s*(?:(.*?)\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(value);
  const address = parts?.[2] ?? parts?.[3] ?? '';
  if (z.email().safeParse(address).success) return { name: parts?.[1] || null, address };
  ctx.addIssue({
    code: 'custom',
    message: 'must be an email address, or a name and an address in angle brackets',
  });
  return z.NEVER;
});

export const SETTINGS = [
  {
    name: 'PORT',
    default: '3000',
    example: '3000',
    description: 'Port the connector listens on.',
    schema: port,
  },
  {
    name: 'HOST',
    default: 'localhost',
    example: '0.0.0.0',
    description: 'Interface the connector listens on; `0.0.0.0` to accept connections from other machines.',
    schema: z.string().min(1, 'must not be empty'),
  },
  {
    name: 'PUBLIC_URL',
    default: null,
    example: 'https://cc.connector.example.com',
    description:
      'The address users and the platform reach the connector at (SSO, OAuth callback, webhooks). Defaults to `http://localhost:PORT`.',
    schema: httpUrl,
  },
  {
    name: 'TRUST_PROXY',
    default: null,
    example: '1',
    description:
      "Proxies in front of the connector whose `X-Forwarded-For` it believes: their number (`1` for one load balancer) or their addresses (IPs or CIDR ranges, comma-separated). Unset: none, so a client's address is the connection's and cannot be forged.",
    schema: trustProxy,
  },
  {
    name: 'DATA_DIR',
    default: './data',
    example: '/var/lib/connector',
    description: 'Folder for the SQLite database and the generated encryption key.',
    schema: z.string().min(1, 'must not be empty'),
  },
  {
    name: 'DATABASE_URL',
    default: null,
    example: 'postgres://postgres@127.0.0.1:5432/connector',
    description:
      'Where data is kept. Unset: an SQLite file `DATA_DIR/connector.sqlite`. `postgres://...` for PostgreSQL, `sqlite:PATH` for another SQLite file.',
    secret: true,
    schema: z
      .string()
      .refine(
        (v) => /^postgres(ql)?:\/\/[^/]+/.test(v) || /^sqlite:.+/.test(v),
        'must be a postgres:// URL or sqlite:PATH',
      ),
  },
  {
    name: 'ENCRYPTION_KEY',
    default: null,
    example: 'O7wnGINE16a+aLK8LQSJK4cwjkMr7UcxGt68XRvE/JY=',
    description:
      'Key (32 bytes, base64) that encrypts Constant Contact tokens at rest. Required with PostgreSQL. Unset with SQLite: generated into `DATA_DIR/encryption.key` on first start, with a warning.',
    secret: true,
    schema: base64Key,
  },
  {
    name: 'ENCRYPTION_PREVIOUS_KEYS',
    default: '(none)',
    example: 'oldKeyBase64=,olderKeyBase64=',
    description:
      'Comma-separated keys that used to be `ENCRYPTION_KEY`; tokens under them stay readable until `npm run cli -- rotate-key` re-encrypts them.',
    secret: true,
    schema: z.string().transform((v, ctx) => {
      const keys = v
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      for (const [i, key] of keys.entries()) {
        if (!base64Key.safeParse(key).success) {
          ctx.addIssue({ code: 'custom', message: `key ${i + 1} must be 32 bytes in base64` });
          return z.NEVER;
        }
      }
      return keys;
    }),
  },
  {
    name: 'TENANTS_FILE',
    default: '(none)',
    example: './tenants.json',
    description:
      'JSON file listing the platform tenants (marketplaces): id, apiId, apiKey, connecHost, idpSsoUrl, idpCertificate, dashboardUrl.',
    schema: z.string().min(1, 'must not be empty'),
  },
  {
    name: 'CC_CLIENT_ID',
    default: '(none)',
    example: '0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
    description: "The connector's Constant Contact application id (API key). Needed to link accounts.",
    schema: z.string().min(1, 'must not be empty'),
  },
  {
    name: 'CC_CLIENT_SECRET',
    default: '(none)',
    example: 'cc-app-secret',
    description: "The Constant Contact application's client secret.",
    secret: true,
    schema: z.string().min(1, 'must not be empty'),
  },
  {
    name: 'CC_REDIRECT_URI',
    default: null,
    example: 'https://cc.connector.example.com/constantcontact/oauth/callback',
    description:
      'OAuth redirect URI registered with the Constant Contact application. Defaults to `PUBLIC_URL/constantcontact/oauth/callback`.',
    schema: httpUrl,
  },
  {
    name: 'CC_API_BASE_URL',
    default: 'https://api.cc.email',
    example: 'http://127.0.0.1:4010',
    description:
      'Constant Contact API base (the V3 API is under `/v3`). Point it at the sandbox to use the emulator.',
    schema: httpUrl,
  },
  {
    name: 'CC_AUTH_BASE_URL',
    default: 'https://authz.constantcontact.com',
    example: 'http://127.0.0.1:4010',
    description: 'Constant Contact authorization server base (`/oauth2/default/v1/...`).',
    schema: httpUrl,
  },
  {
    name: 'CC_APP_URL',
    default: 'https://app.constantcontact.com',
    example: 'http://127.0.0.1:4010/app',
    description:
      "Constant Contact's own web app, where launching an already linked connector from the dashboard takes the user.",
    schema: httpUrl,
  },
  {
    name: 'SESSION_SECRET',
    default: null,
    example: 'a-long-random-string-of-at-least-32-characters',
    description:
      'Signs the session cookie (at least 32 characters; every web process needs the same one). Unset: derived from the encryption key.',
    secret: true,
    schema: z.string().min(32, 'must be at least 32 characters'),
  },
  {
    name: 'PLATFORM_SANDBOX_PORT',
    default: '4000',
    example: '4000',
    description:
      'With no `TENANTS_FILE` and no Constant Contact credentials, `npm start` runs the demo: the platform emulator listens here.',
    schema: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(0, 'must be from 0 to 65535')
      .max(65535, 'must be from 0 to 65535'),
  },
  {
    name: 'CC_SANDBOX_PORT',
    default: '4010',
    example: '4010',
    description: 'In the demo (see `PLATFORM_SANDBOX_PORT`), the Constant Contact emulator listens here.',
    schema: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(0, 'must be from 0 to 65535')
      .max(65535, 'must be from 0 to 65535'),
  },
  {
    name: 'SANDBOX_ORGS',
    default: '2',
    example: '50',
    description:
      'In the demo and `npm run sandbox`, how many organizations the platform emulator seeds, each with its own Constant Contact account (Demo Bakery and Demo Bikes first); at most 500.',
    schema: z.coerce
      .number({ error: `must be a whole number from 1 to ${MAX_SANDBOX_ORGS}` })
      .int(`must be a whole number from 1 to ${MAX_SANDBOX_ORGS}`)
      .min(1, `must be a whole number from 1 to ${MAX_SANDBOX_ORGS}`)
      .max(MAX_SANDBOX_ORGS, `must be a whole number from 1 to ${MAX_SANDBOX_ORGS}`),
  },
  {
    name: 'REDIS_URL',
    default: null,
    example: 'redis://127.0.0.1:6379',
    description:
      'Unset: one process (embedded mode). Set: scale-out mode, any number of web and worker processes sharing the job queue, the CC budget and the locks in this Redis; needs PostgreSQL (`DATABASE_URL`).',
    secret: true,
    schema: z.string().refine((v) => /^rediss?:\/\/.+/.test(v), 'must be a redis:// or rediss:// URL'),
  },
  {
    name: 'ROLE',
    default: 'all',
    example: 'worker',
    description:
      'In scale-out mode, what this process does: `web` serves pages, SSO and webhooks and only queues runs; `worker` runs syncs and plans polls; `all` does both.',
    schema: z.enum(['web', 'worker', 'all'], { error: 'must be one of web, worker, all' }),
  },
  {
    name: 'REDIS_KEY_PREFIX',
    default: 'cc-connector',
    example: 'cc-connector-staging',
    description:
      'In scale-out mode, what every key the connector writes in Redis starts with, so deployments can share one Redis; every process of a deployment must use the same.',
    schema: z.string().regex(/^[\w.:-]+$/, 'must be letters, digits, and . _ : - only'),
  },
  {
    name: 'CC_RATE_PER_SECOND',
    default: '4',
    example: '4',
    description:
      'Constant Contact calls allowed in any one-second window, for all processes and organizations together (CC allows 4).',
    schema: z.coerce
      .number({ error: 'must be a whole number from 1 to 100' })
      .int('must be a whole number from 1 to 100')
      .min(1, 'must be a whole number from 1 to 100')
      .max(100, 'must be a whole number from 1 to 100'),
  },
  {
    name: 'CC_DAILY_LIMIT',
    default: '10000',
    example: '50000',
    description:
      "Constant Contact calls allowed per UTC day for the whole application (CC's default is 10,000; partners negotiate more).",
    schema: z.coerce
      .number({ error: 'must be a whole number of at least 10' })
      .int('must be a whole number of at least 10')
      .min(10, 'must be a whole number of at least 10'),
  },
  {
    name: 'CC_PRIORITY_RESERVE',
    default: '0.25',
    example: '0.3',
    description:
      "Share of the day's CC budget kept for priority work (manual runs, notifications, first links); scheduled polls pace themselves over the rest.",
    schema: z.coerce
      .number({ error: 'must be a number from 0 to 0.9' })
      .min(0, 'must be a number from 0 to 0.9')
      .max(0.9, 'must be a number from 0 to 0.9'),
  },
  {
    name: 'CC_RUN_CHUNK_CALLS',
    default: '25',
    example: '50',
    description:
      'Constant Contact calls a scheduled poll, a first link or a historical backfill may send before it stops and leaves the rest to later runs, so one large account cannot spend the shared day at once (manual and notification runs go to the end).',
    schema: z.coerce
      .number({ error: 'must be a whole number from 5 to 10000' })
      .int('must be a whole number from 5 to 10000')
      .min(5, 'must be a whole number from 5 to 10000')
      .max(10_000, 'must be a whole number from 5 to 10000'),
  },
  {
    name: 'POLL_MIN',
    default: '15',
    example: '30',
    description:
      "Shortest time, in minutes, between two polls of an organization's Constant Contact changes (an organization with activity).",
    schema: z.coerce
      .number({ error: 'must be a whole number of minutes from 1 to 1440' })
      .int('must be a whole number of minutes from 1 to 1440')
      .min(1, 'must be a whole number of minutes from 1 to 1440')
      .max(1440, 'must be a whole number of minutes from 1 to 1440'),
  },
  {
    name: 'POLL_MAX',
    default: '1440',
    example: '720',
    description:
      'Longest time, in minutes, between two polls of an organization: idle polls double its interval up to this.',
    schema: z.coerce
      .number({ error: 'must be a whole number of minutes from 1 to 10080' })
      .int('must be a whole number of minutes from 1 to 10080')
      .min(1, 'must be a whole number of minutes from 1 to 10080')
      .max(10080, 'must be a whole number of minutes from 1 to 10080'),
  },
  {
    name: 'SMTP_URL',
    default: '(none)',
    example: 'smtp://alerts:secret@smtp.example.com:587',
    description:
      "Mail server for alert emails (`smtp://`, or `smtps://` for TLS; user and password in the URL): an organization's admins hear when it needs a reconnect or its runs have failed for 24 hours, and when it recovers. Unset: no alert emails.",
    secret: true,
    schema: smtpUrl,
  },
  {
    name: 'ALERT_FROM',
    default: null,
    example: 'Constant Contact connector <alerts@example.com>',
    description:
      "Sender of the alert emails: an address, or a name and an address in angle brackets. Defaults to `Constant Contact connector <noreply@HOST>`, HOST being `PUBLIC_URL`'s.",
    schema: mailbox,
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    example: 'debug',
    description:
      'One of fatal, error, warn, info, debug, trace, silent. Logs carry ids, never personal data.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
  },
] as const satisfies readonly SettingSpec[];

export type SettingName = (typeof SETTINGS)[number]['name'];
