import { CC_LIMITS } from './cc-limits.ts';

export type Eligibility = { eligible: true; email: string } | { eligible: false; reason: string };

// Local part and domain as Constant Contact accepts them: dot-atoms, a domain with at least one dot.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Whether Constant Contact would take a record with this email, and if not, why, in words the user sees
 * on the "Not shared" list. CC requires an email on every contact.
 */
export function checkEmail(raw: string | null | undefined): Eligibility {
  const email = raw?.trim() ?? '';
  if (email === '') return { eligible: false, reason: 'no email' };
  if (email.length > CC_LIMITS.email) {
    return { eligible: false, reason: `invalid email: longer than ${CC_LIMITS.email} characters` };
  }
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1)
    return { eligible: false, reason: 'invalid email: no "@" between a name and a domain' };
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!LOCAL.test(local))
    return { eligible: false, reason: `invalid email: "${local}" is not a valid name before "@"` };
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    return { eligible: false, reason: `invalid email: "${domain}" is not a valid domain` };
  }
  return { eligible: true, email };
}
