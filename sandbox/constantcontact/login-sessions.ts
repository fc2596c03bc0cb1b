import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const cookieName = 'cc_session';

/**
 * Browser sessions of CC users, shared by the authorize page and the /app page: signing in once on either
 * is enough for the other, as on CC's real login domain.
 */
export class LoginSessions {
  readonly #sessions = new Map<string, string>();

  /** The signed-in account id, or null. */
  accountFor(req: FastifyRequest): string | null {
    const id = readCookie(req.headers.cookie, cookieName);
    return id ? (this.#sessions.get(id) ?? null) : null;
  }

  signIn(reply: FastifyReply, accountId: string): void {
    const id = randomBytes(24).toString('base64url');
    this.#sessions.set(id, accountId);
    reply.header('set-cookie', `${cookieName}=${id}; Path=/; HttpOnly; SameSite=Lax`);
  }

  signOut(req: FastifyRequest, reply: FastifyReply): void {
    const id = readCookie(req.headers.cookie, cookieName);
    if (id) this.#sessions.delete(id);
    reply.header('set-cookie', `${cookieName}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=') || null;
  }
  return null;
}
