import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CcAccountRegistry } from './account-registry.ts';
import type { CcAccount } from './account-state.ts';
import type { StoredContact } from './contact-model.ts';
import { escapeHtml, htmlPage } from './html.ts';
import type { LoginSessions } from './login-sessions.ts';

function loginForm(reply: FastifyReply, status: number, error?: string): FastifyReply {
  const body = `${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/app/login">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>`;
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(htmlPage('Log in to Constant Contact', body));
}

function contactRows(contacts: StoredContact[]): string {
  if (contacts.length === 0) return '<p>No contacts.</p>';
  const rows = contacts
    .map((c) => {
      const name = [c.first_name, c.last_name].filter(Boolean).join(' ') || '(no name)';
      const subscribed = c.email_address.permission_to_send !== 'unsubscribed';
      const action = subscribed
        ? `<form method="post" action="/app/contacts/${escapeHtml(c.contact_id)}/unsubscribe"><button type="submit" aria-label="Unsubscribe ${escapeHtml(c.email_address.address)}">Unsubscribe</button></form>`
        : '';
      return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(c.email_address.address)}</td><td>${escapeHtml(c.company_name ?? '')}</td><td>${subscribed ? 'Subscribed' : 'Unsubscribed'}</td><td>${action}</td></tr>`;
    })
    .join('\n');
  return `<table><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Company</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function contactsPage(account: CcAccount): string {
  const active = account.storedContacts().filter((c) => !c.deleted_at);
  const sections = account.storedLists().map((list) => {
    const members = active.filter((c) => c.list_memberships.includes(list.list_id));
    return `<section aria-labelledby="list-${escapeHtml(list.list_id)}"><h2 id="list-${escapeHtml(list.list_id)}">${escapeHtml(list.name)} (${members.length})</h2>${contactRows(members)}</section>`;
  });
  const unlisted = active.filter((c) => c.list_memberships.length === 0);
  sections.push(
    `<section aria-labelledby="no-list"><h2 id="no-list">Not in any list (${unlisted.length})</h2>${contactRows(unlisted)}</section>`,
  );
  return `<p>Signed in as <strong>${escapeHtml(account.username)}</strong>, ${escapeHtml(account.summary.organization_name)}. ${active.length} contacts.</p>
<form method="post" action="/app/logout"><button type="submit">Log out</button></form>
${sections.join('\n')}`;
}

/** `/app`: CC's own web application in miniature, where the user sees contacts grouped by list. */
export async function appRoutes(
  app: FastifyInstance,
  deps: { accounts: CcAccountRegistry; sessions: LoginSessions },
): Promise<void> {
  const signedInAccount = (accountId: string | null) =>
    accountId ? deps.accounts.find(accountId) : undefined;

  app.get('/app', async (req, reply) => {
    const account = signedInAccount(deps.sessions.accountFor(req));
    if (!account) return loginForm(reply, 200);
    return reply.type('text/html; charset=utf-8').send(htmlPage('Contacts', contactsPage(account)));
  });

  app.post<{ Body: Record<string, string | undefined> }>('/app/login', async (req, reply) => {
    const account = deps.accounts.findByUsername(req.body?.username ?? '');
    if (!account || account.password !== (req.body?.password ?? '')) {
      return loginForm(reply, 401, 'The username or password is incorrect.');
    }
    deps.sessions.signIn(reply, account.id);
    return reply.redirect('/app', 303);
  });

  app.post('/app/logout', async (req, reply) => {
    deps.sessions.signOut(req, reply);
    return reply.redirect('/app', 303);
  });

  // Stands for the contact clicking "unsubscribe" in an email: the one way an opt-out reaches CC.
  app.post<{ Params: { contact_id: string } }>(
    '/app/contacts/:contact_id/unsubscribe',
    async (req, reply) => {
      const account = signedInAccount(deps.sessions.accountFor(req));
      if (!account) return loginForm(reply, 401, 'Sign in first.');
      const outcome = account.optOutContact(req.params.contact_id, undefined, 'Account');
      if (!outcome.ok) {
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(htmlPage('Not found', '<p class="error">No such contact.</p>'));
      }
      return reply.redirect('/app', 303);
    },
  );
}
