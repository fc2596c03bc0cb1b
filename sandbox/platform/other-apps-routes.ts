import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Directory } from './directory.ts';
import { html, layout } from './html.ts';
import type { HubResponse } from './hub-api.ts';
import type { HubCollection, HubStore } from './hub-store.ts';
import { isObject } from './hub-validation.ts';
import { OTHER_APPS, type OtherApps } from './other-apps.ts';
import { fieldInputs, type PageForm, recordFromForm } from './record-form.ts';
import type { Sessions } from './sessions.ts';

export interface OtherAppsDependencies {
  apps: OtherApps;
  store: HubStore;
  directory: Directory;
  sessions: Sessions;
}

const LISTED: HubCollection[] = ['people', 'organizations', 'employees'];

function label(collection: HubCollection, fields: Record<string, unknown>): string {
  const email = isObject(fields.email) ? fields.email.address : undefined;
  const name =
    collection === 'organizations'
      ? fields.name
      : `${fields.first_name ?? ''} ${fields.last_name ?? ''}`.trim();
  const roles = ['customer', 'supplier', 'lead'].filter((r) => fields[`is_${r}`] === true).join('/');
  return `${name || '(no name)'} <${email ?? 'no email'}>${roles ? ` ${roles}` : ''} ${fields.status ?? ''}`.trim();
}

/**
 * Acting as another app (Xero, vTiger, OrangeHRM): an API for tests and scripts under `/sandbox/apps`, and a
 * page in the dashboard for people. Both go through the hub, so the connector is notified.
 */
export function registerOtherAppsRoutes(app: FastifyInstance, deps: OtherAppsDependencies): void {
  const { apps, store, directory, sessions } = deps;
  const send = (reply: FastifyReply, response: HubResponse) =>
    reply.code(response.status).send(response.body);

  app.post<{ Params: { app: string; group: string; collection: string } }>(
    '/sandbox/apps/:app/groups/:group/:collection',
    async (req, reply) => {
      const { collection } = req.params;
      if (!store.serves(collection))
        return reply.code(404).send({ error: `unknown collection ${collection}` });
      if (!isObject(req.body))
        return reply.code(400).send({ error: 'the body must be the record as a JSON object' });
      return send(
        reply,
        apps.write({ app: req.params.app, groupId: req.params.group, collection, record: req.body }),
      );
    },
  );

  app.put<{ Params: { app: string; group: string; collection: string; id: string } }>(
    '/sandbox/apps/:app/groups/:group/:collection/:id',
    async (req, reply) => {
      const { collection } = req.params;
      if (!store.serves(collection))
        return reply.code(404).send({ error: `unknown collection ${collection}` });
      if (!isObject(req.body))
        return reply.code(400).send({ error: 'the body must be the changed fields as a JSON object' });
      return send(
        reply,
        apps.write({
          app: req.params.app,
          groupId: req.params.group,
          collection,
          record: req.body,
          connecId: req.params.id,
        }),
      );
    },
  );

  const page = (groupId: string, message?: string) => {
    const organization = directory.organizations.get(groupId);
    const appOptions = OTHER_APPS.map((a) => html`<option>${a}</option>`);
    const existing = LISTED.flatMap((c) =>
      store
        .list(groupId, c)
        .map((r) => html`<option value="${c}/${r.connecId}">${c}: ${label(c, r.fields)}</option>`),
    );
    const rows = LISTED.flatMap((c) =>
      store
        .list(groupId, c)
        .map((r) => html`<tr><td>${c}</td><td>${label(c, r.fields)}</td><td>${r.updatedAt}</td></tr>`),
    );
    return layout(
      'Other apps',
      html`<h1>Act as another app in ${organization?.name ?? groupId}</h1>
${message ? html`<p>${message}</p>` : ''}
<section><h2>Create</h2>
<form method="post" action="/dashboard/organizations/${groupId}/apps">
<input type="hidden" name="action" value="create">
<p><label>App <select name="app">${appOptions}</select></label>
<label>Kind <select name="collection"><option>people</option><option>organizations</option><option>employees</option></select></label>
<label>Role <select name="role"><option>customer</option><option>supplier</option><option>lead</option><option value="">none</option></select></label></p>
${fieldInputs('create')}
<p><button>Create</button></p></form></section>
<section><h2>Update</h2>
<form method="post" action="/dashboard/organizations/${groupId}/apps">
<input type="hidden" name="action" value="update">
<p><label>App <select name="app">${appOptions}</select></label> <select name="target">${existing}</select></p>
${fieldInputs('update')}
<p><label>Status <select name="status"><option value="">(status unchanged)</option><option>ACTIVE</option><option>INACTIVE</option></select></label></p>
<p><button>Update</button></p></form></section>
<section><h2>Company</h2>
<form method="post" action="/dashboard/organizations/${groupId}/apps">
<input type="hidden" name="action" value="company">
<p><label>App <select name="app">${appOptions}</select></label></p>
${fieldInputs('company')}
<p><button>Update company</button></p></form></section>
<h2>Records in the hub</h2><table><tr><th>Collection</th><th>Record</th><th>Updated</th></tr>${rows}</table>`,
    );
  };

  const member = (userUid: string | undefined, groupId: string) =>
    userUid !== undefined && directory.organizationsOf(userUid).some((m) => m.organization.uid === groupId);

  app.get<{ Params: { uid: string } }>('/dashboard/organizations/:uid/apps', async (req, reply) => {
    const session = sessions.read(req);
    if (!session) return reply.redirect(`/dashboard/login?next=${encodeURIComponent(req.url)}`);
    if (!member(session.userUid, req.params.uid))
      return reply.code(404).type('text/html').send(layout('Not found', html`<p>No such organization.</p>`));
    return reply.type('text/html').send(page(req.params.uid));
  });

  app.post<{ Params: { uid: string }; Body: PageForm }>(
    '/dashboard/organizations/:uid/apps',
    async (req, reply) => {
      const session = sessions.read(req);
      if (!session) return reply.redirect('/dashboard/login', 303);
      const groupId = req.params.uid;
      if (!member(session.userUid, groupId))
        return reply
          .code(404)
          .type('text/html')
          .send(layout('Not found', html`<p>No such organization.</p>`));
      const form = req.body ?? {};
      const appName = form.app ?? 'Xero';
      let response: HubResponse;
      if (form.action === 'update') {
        const [collection = '', connecId] = (form.target ?? '').split('/');
        if (!store.serves(collection) || !connecId)
          return reply.code(400).type('text/html').send(page(groupId, 'Pick a record to update.'));
        response = apps.write({
          app: appName,
          groupId,
          collection,
          connecId,
          record: recordFromForm(collection, form),
        });
      } else if (form.action === 'company') {
        response = apps.write({
          app: appName,
          groupId,
          collection: 'company',
          record: recordFromForm('company', form),
        });
      } else {
        const collection = form.collection && store.serves(form.collection) ? form.collection : 'people';
        response = apps.write({
          app: appName,
          groupId,
          collection,
          record: recordFromForm(collection, form),
        });
      }
      const ok = response.status < 300;
      const detail = ok
        ? 'Saved; the connector will be notified.'
        : `Refused: ${JSON.stringify(response.body)}`;
      return reply
        .code(ok ? 200 : response.status)
        .type('text/html')
        .send(page(groupId, detail));
    },
  );
}
