import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What the session cookie carries: ids only, never a name or an email. */
export interface Session {
  /** Random per sign-in; OAuth state and CSRF tokens are bound to it. */
  sid: string;
  userId: string;
  tenant: string;
  /** The per-session token every form and htmx request sends back. */
  csrf: string;
  /** Epoch ms. */
  expiresAt: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's session, or null (absent, tampered with or expired cookie). */
    session: Session | null;
  }
}

export const SESSION_COOKIE = 'connector_session';
const SESSION_TTL_MS = 8 * 60 * 60_000;

export interface SessionOptions {
  /** Cookies get the Secure flag when the connector is reached over https. */
  secure: boolean;
  now?: () => number;
  /** True for a session that was signed out (kept where every process sees it); none: never. */
  signedOut?: (sid: string) => Promise<boolean>;
}

function decode(raw: string): Session | null {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Session>;
    if (
      typeof value.sid !== 'string' ||
      typeof value.userId !== 'string' ||
      typeof value.tenant !== 'string' ||
      typeof value.csrf !== 'string' ||
      typeof value.expiresAt !== 'number'
    ) {
      return null;
    }
    return value as Session;
  } catch {
    return null;
  }
}

/**
 * The session is a signed cookie (HMAC by @fastify/cookie, which must be registered with the secret),
 * http-only and SameSite=Lax: Lax, not Strict, because users arrive from the platform's SSO post and from
 * Constant Contact's redirect, both top-level navigations from other sites. Nothing is kept server side,
 * so any number of web processes sharing SESSION_SECRET accept it; what a user may reach is checked
 * against the memberships in the database on every request, so a removed member loses access at once. A
 * session signed out is remembered (`signedOut`) until it would have expired, so its cookie, if copied,
 * opens nothing.
 */
export function installSessions(app: FastifyInstance, options: SessionOptions): void {
  const now = options.now ?? Date.now;
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (req) => {
    const raw = req.cookies[SESSION_COOKIE];
    if (!raw) return;
    const unsigned = req.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return;
    const session = decode(unsigned.value);
    if (!session || session.expiresAt <= now()) return;
    if (await options.signedOut?.(session.sid)) return;
    req.session = session;
  });
}

export function startSession(
  reply: FastifyReply,
  options: SessionOptions,
  identity: { userId: string; tenant: string },
): Session {
  const now = options.now ?? Date.now;
  const session: Session = {
    sid: randomBytes(16).toString('base64url'),
    userId: identity.userId,
    tenant: identity.tenant,
    csrf: randomBytes(24).toString('base64url'),
    expiresAt: now() + SESSION_TTL_MS,
  };
  reply.setCookie(SESSION_COOKIE, Buffer.from(JSON.stringify(session)).toString('base64url'), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
  });
  return session;
}

export function endSession(reply: FastifyReply, options: SessionOptions): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secure });
}

export function currentSession(req: FastifyRequest): Session | null {
  return req.session;
}
