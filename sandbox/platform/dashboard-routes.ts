import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccountEventError, type AccountEvents } from './account-events.ts';
import { CONNECTOR_APP, type Directory, type PlatformUser } from './directory.ts';
import { html, layout } from './html.ts';
import type { Sessions } from './sessions.ts';

export interface DashboardDependencies {
  directory: Directory;
  sessions: Sessions;
  accountEvents: AccountEvents;
  connectorUrl: () => string | null;
}

const ADMIN_ROLES = new Set(['Admin', 'Super Admin']);

/** Only local paths, so the login form cannot be used to bounce a user to another site. */
const safeNext = (next: unknown) =>
  typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/dashboard';

function loginPage(next: string, error?: string): string {
  return layout(
    'Sign in',
    html`<h1>Sign in to the platform</h1>
${error ? html`<p class="error">${error}</p>` : ''}
<form method="post" action="/dashboard/login">
<input type="hidden" name="next" value="${next}">
<p><label>Email <input name="email" type="email" required autofocus></label></p>
<p><label>Password <input name="password" type="password" required></label></p>
<p><button type="submit">Sign in</button></p>
</form>`,
  );
}

/** The platform dashboard: sign in, see organizations and their apps, launch the connector, manage members. */
export function registerDashboardRoutes(app: FastifyInstance, deps: DashboardDependencies): void {
  const { directory, sessions, accountEvents } = deps;

  const currentUser = (req: FastifyRequest): PlatformUser | undefined => {
    const session = sessions.read(req);
    return session ? directory.users.get(session.userUid) : undefined;
  };
  const requireUser = (req: FastifyRequest, reply: FastifyReply): PlatformUser | undefined => {
    const user = currentUser(req);
    if (!user) reply.redirect(`/dashboard/login?next=${encodeURIComponent(req.url)}`);
    return user;
  };
  const requireAdmin = (req: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply) => {
    const user = requireUser(req, reply);
    if (!user) return undefined;
    const membership = directory.organizationsOf(user.uid).find((m) => m.organization.uid === req.params.uid);
    if (!membership || !ADMIN_ROLES.has(membership.role)) {
      reply
        .code(403)
        .type('text/html')
        .send(
          layout(
            'Forbidden',
            html`<p class="error">Only an Admin or Super Admin of ${req.params.uid} can do that.</p>`,
          ),
        );
      return undefined;
    }
    return membership.organization;
  };

  app.get('/', async (_req, reply) => reply.redirect('/dashboard'));

  app.get<{ Querystring: { next?: string } }>('/dashboard/login', async (req, reply) =>
    reply.type('text/html').send(loginPage(safeNext(req.query.next))),
  );

  app.post<{ Body: { email?: string; password?: string; next?: string } }>(
    '/dashboard/login',
    async (req, reply) => {
      const next = safeNext(req.body?.next);
      const user = directory.signIn(req.body?.email ?? '', req.body?.password ?? '');
      if (!user) return reply.code(401).type('text/html').send(loginPage(next, 'Wrong email or password.'));
      sessions.start(reply, user.uid);
      return reply.redirect(next, 303);
    },
  );

  app.post('/dashboard/logout', async (req, reply) => {
    sessions.end(req, reply);
    return reply.redirect('/dashboard/login', 303);
  });

  app.get('/dashboard', async (req, reply) => {
    const user = requireUser(req, reply);
    if (!user) return reply;
    const organizations = directory.organizationsOf(user.uid).map(({ organization, role }) => {
      const admin = ADMIN_ROLES.has(role);
      const members = organization.members.map((m) => {
        const member = directory.users.get(m.userUid);
        return html`<tr><td>${member?.name} ${member?.surname}</td><td>${member?.email}</td><td>${m.role}</td><td>${
          admin && m.userUid !== user.uid
            ? html`<form class="inline" method="post" action="/dashboard/organizations/${organization.uid}/members/${m.userUid}/remove"><button>Remove</button></form>`
            : ''
        }</td></tr>`;
      });
      return html`<section>
<h2>${organization.name} <small>(${organization.uid}, ${role})</small></h2>
<p>Apps: ${organization.apps.join(', ')}</p>
<p>${
        organization.apps.includes(CONNECTOR_APP)
          ? html`<a href="/dashboard/launch/${organization.uid}"><button>Launch Constant Contact connector</button></a>`
          : ''
      } <a href="/dashboard/organizations/${organization.uid}/apps">Act as another app</a></p>
<table><tr><th>Member</th><th>Email</th><th>Role</th><th></th></tr>${members}</table>
${
  admin
    ? html`<form method="post" action="/dashboard/organizations/${organization.uid}/delete" onsubmit="return confirm('Delete ${organization.name}?')"><button>Delete organization</button></form>`
    : ''
}
</section>`;
    });
    return reply.type('text/html').send(
      layout(
        'Dashboard',
        html`<h1>Hello ${user.name}</h1>
<form method="post" action="/dashboard/logout"><button>Sign out</button></form>
${organizations.length > 0 ? organizations : html`<p>You belong to no organization.</p>`}`,
      ),
    );
  });

  app.get<{ Params: { uid: string } }>('/dashboard/launch/:uid', async (req, reply) => {
    const user = requireUser(req, reply);
    if (!user) return reply;
    const membership = directory.organizationsOf(user.uid).find((m) => m.organization.uid === req.params.uid);
    if (!membership?.organization.apps.includes(CONNECTOR_APP)) {
      return reply
        .code(404)
        .type('text/html')
        .send(
          layout(
            'Not found',
            html`<p class="error">The connector is not installed in ${req.params.uid}.</p>`,
          ),
        );
    }
    const connectorUrl = deps.connectorUrl();
    if (!connectorUrl) {
      return reply
        .code(503)
        .type('text/html')
        .send(
          layout(
            'Connector not running',
            html`<p class="error">The sandbox does not know the connector's URL yet: start the connector, or set it with PUT /sandbox/connector-url.</p>`,
          ),
        );
    }
    const session = sessions.read(req);
    if (session) session.launchGroup = membership.organization.uid;
    const tenant = encodeURIComponent(membership.organization.tenant);
    return reply.redirect(
      `${connectorUrl}/maestrano/auth/saml/init/${tenant}?group_id=${encodeURIComponent(membership.organization.uid)}`,
    );
  });

  app.post<{ Params: { uid: string } }>('/dashboard/organizations/:uid/delete', async (req, reply) => {
    const organization = requireAdmin(req, reply);
    if (!organization) return reply;
    accountEvents.deleteOrganization(organization.uid);
    return reply.redirect('/dashboard', 303);
  });

  app.post<{ Params: { uid: string; userUid: string } }>(
    '/dashboard/organizations/:uid/members/:userUid/remove',
    async (req, reply) => {
      const organization = requireAdmin(req, reply);
      if (!organization) return reply;
      try {
        accountEvents.removeMember(organization.uid, req.params.userUid);
      } catch (error) {
        if (error instanceof AccountEventError)
          return reply
            .code(404)
            .type('text/html')
            .send(layout('Not found', html`<p class="error">${error.message}</p>`));
        throw error;
      }
      return reply.redirect('/dashboard', 303);
    },
  );
}
