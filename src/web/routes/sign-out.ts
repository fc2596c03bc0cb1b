import type { FastifyPluginAsync } from 'fastify';
import type { WebContext } from '../context.ts';
import { html } from '../html.ts';
import { endSession } from '../session/session.ts';
import { layout } from '../views/layout.ts';

/**
 * `POST /sign-out` (a form with the session's CSRF token): the session ends here and everywhere. Its id is
 * kept as signed out until the session would have expired, so a copy of the cookie opens nothing, in any
 * web process. Then `GET /signed-out/:tenant` says so and links back to the platform's dashboard.
 */
export const signOutRoutes: FastifyPluginAsync<{ ctx: WebContext }> = async (app, { ctx }) => {
  app.post('/sign-out', async (req, reply) => {
    const session = req.session;
    if (session) {
      await ctx.repos.spentTokens.spend('session', session.sid, new Date(session.expiresAt));
      req.log.info({ userId: session.userId }, 'signed out');
    }
    endSession(reply, ctx.session);
    return reply.redirect(`/signed-out/${encodeURIComponent(session?.tenant ?? '')}`, 303);
  });

  app.get<{ Params: { tenant: string } }>('/signed-out/:tenant', async (req, reply) => {
    const tenant = ctx.config.tenants.find((t) => t.id === req.params.tenant);
    const back = tenant
      ? html`<p><a class="button" href="${tenant.dashboardUrl}">Back to your dashboard</a></p>`
      : html``;
    return reply.type('text/html').send(
      layout({
        title: 'Signed out',
        body: html`<h1>Signed out</h1>
<p>You are signed out of the Constant Contact connector. Open it again from your platform dashboard.</p>
${back}`,
      }),
    );
  });
};
