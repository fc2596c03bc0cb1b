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
