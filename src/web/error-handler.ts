import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConnectorError } from '../errors.ts';
import { NotSignedInError } from './errors.ts';
import { html } from './html.ts';
import { errorPage } from './views/layout.ts';

const TITLES: Record<number, string> = {
  400: 'Something is wrong with this request',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  429: 'Too many attempts',
};

const wantsHtml = (req: FastifyRequest) =>
  !req.url.startsWith('/maestrano/connec/') &&
  !req.url.startsWith('/maestrano/account/') &&
  (req.headers.accept ?? '').includes('text/html');

/**
 * Typed errors answer with their status and message: an HTML page for people, JSON for machines. Anything
 * else is a bug: 500 with a generic message, details in the log only.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    let status: number;
    let code: string;
    let message: string;
    if (error instanceof ConnectorError) {
      status = error.httpStatus;
      code = error.code;
      message = error.message;
      if (status >= 500) req.log.error({ err: error }, 'request failed');
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      // The rate limiter's errors carry no code of ours: a 429 is named for what it is.
      code = status === 429 ? 'RATE_LIMITED' : (error.code ?? 'BAD_REQUEST');
      message = status === 429 ? 'Too many attempts. Wait a minute and try again.' : error.message;
    } else {
      req.log.error({ err: error }, 'unexpected error');
      status = 500;
      code = 'INTERNAL';
      message = 'Something went wrong on our side. Try again in a moment.';
    }
    if (!wantsHtml(req)) return reply.code(status).send({ error: { code, message } });
    const action =
      error instanceof NotSignedInError
        ? html`<p>Open the connector from your platform dashboard.</p>`
        : html`<p><a href="/">Back to your organizations</a></p>`;
    return reply
      .code(status)
      .type('text/html')
      .send(errorPage(TITLES[status] ?? 'Something went wrong', message, action));
  });
}
