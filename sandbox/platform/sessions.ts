import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const COOKIE = 'platform_session';

export interface DashboardSession {
  /** How apps know this session (SAML `mno_session`); distinct from the cookie, which never leaves the platform. */
  id: string;
  userUid: string;
  /** The organization last launched from the dashboard: the IdP puts it in the assertion. */
  launchGroup?: string;
}

/** Signed-in dashboard users, by an opaque cookie. In memory: the sandbox forgets them on restart. */
export class Sessions {
  readonly #sessions = new Map<string, DashboardSession>();

  read(req: FastifyRequest): DashboardSession | undefined {
    const cookies = req.headers.cookie ?? '';
    for (const part of cookies.split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === COOKIE) return this.#sessions.get(value.join('='));
    }
    return undefined;
  }

  start(reply: FastifyReply, userUid: string): DashboardSession {
    const token = randomBytes(24).toString('base64url');
    const session: DashboardSession = { id: randomBytes(12).toString('hex'), userUid };
    this.#sessions.set(token, session);
    reply.header('set-cookie', `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`);
    return session;
  }

  end(req: FastifyRequest, reply: FastifyReply): void {
    const session = this.read(req);
    for (const [token, s] of this.#sessions) if (s === session) this.#sessions.delete(token);
    reply.header('set-cookie', `${COOKIE}=; Path=/; Max-Age=0`);
  }
}
