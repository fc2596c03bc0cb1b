// Small HTTP helpers for the emulator's own tests: plain fetch, so the tests exercise real HTTP.
import { createHash, randomBytes } from 'node:crypto';
import type { CcEmulator } from '../../../sandbox/constantcontact/index.ts';

/**
 * Answers are read freely in assertions; their shape is what the contract check (cc-contract.ts) verifies
 * against the swagger file on every exchange, so a static type here would only repeat it.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type CcJson = any;

export interface CcAnswer<T = CcJson> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * Polls an activity until it leaves `initialized` and `processing`; returns the states seen in order (each
 * once) and the last answer.
 */
export async function waitForActivityEnd(
  emulator: Pick<CcEmulator, 'url'>,
  token: string,
  activityId: string,
): Promise<{ states: string[]; activity: CcJson }> {
  const states: string[] = [];
  for (let i = 0; i < 2000; i += 1) {
    const answer = await callCc(emulator, token, 'GET', `/v3/activities/${activityId}`);
    if (answer.status !== 200) throw new Error(`GET activity ${activityId} answered ${answer.status}.`);
    if (states.at(-1) !== answer.body.state) states.push(answer.body.state);
    if (!['initialized', 'processing'].includes(answer.body.state)) return { states, activity: answer.body };
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`Activity ${activityId} did not end.`);
}

/** Calls the emulator's API with a bearer token; JSON in and out. */
export async function callCc<T = CcJson>(
  emulator: Pick<CcEmulator, 'url'>,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<CcAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(new URL(path, emulator.url), {
    method,
    headers,
    body: payload,
    redirect: 'manual',
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
  };
}

/** Posts a form to the token (or revoke) endpoint with HTTP Basic client authentication. */
export async function postTokenForm(
  emulator: Pick<CcEmulator, 'url'>,
  path: string,
  client: { clientId: string; clientSecret: string },
  form: Record<string, string>,
): Promise<CcAnswer> {
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  const response = await fetch(new URL(path, emulator.url), {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A fetch that keeps cookies, like a browser going through the authorize pages. */
export class Browser {
  readonly #cookies = new Map<string, string>();

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) this.#cookies.set(name.trim(), value.join('='));
    }
    return response;
  }
}

/** The value of a hidden input in an HTML form. */
export function hiddenValue(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`No hidden input ${name} in the page.`);
  return match[1];
}
