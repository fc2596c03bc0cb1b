import type { SAML } from '@node-saml/node-saml';
import { z } from 'zod';
import { ROLES } from '../../model/user.ts';
import { SsoRejectedError } from '../errors.ts';
import { addressingProblem, readAssertion, responseDestination } from './saml-checks.ts';

/** The attributes the platform sends (DESIGN 2.1); the others are not needed. */
const attributesSchema = z.object({
  uid: z.string().min(1),
  email: z.string().min(1),
  name: z.string().optional(),
  surname: z.string().optional(),
  group_uid: z.string().min(1),
  group_name: z.string().min(1),
  group_role: z.enum(ROLES),
});

export type SignInAttributes = z.infer<typeof attributesSchema>;

/** A sign-in whose Response was verified: who, into which organization, and the assertion's facts. */
export interface VerifiedSignIn {
  attributes: SignInAttributes;
  assertionId: string;
  /** Epoch ms. */
  issuedAt: number;
  /** Epoch ms; null when the assertion's Conditions set no end. */
  notOnOrAfter: number | null;
}

const AGAIN = 'Launch the connector again from your dashboard.';

/**
 * Checks a posted SAML Response: signed by the tenant's IdP for this connector (node-saml: signature,
 * audience, times, request ids), addressed to this tenant's ACS URL (Recipient and Destination), with an
 * assertion id, an issue time and the attributes the connector needs. Throws `SsoRejectedError` saying
 * what is wrong; whether it was already used or issued before a change of access is the caller's to check.
 */
export async function verifySignIn(
  provider: SAML,
  samlResponse: string,
  acsUrl: string,
): Promise<VerifiedSignIn> {
  let profile: Awaited<ReturnType<SAML['validatePostResponseAsync']>>['profile'];
  try {
    ({ profile } = await provider.validatePostResponseAsync({ SAMLResponse: samlResponse }));
  } catch (error) {
    throw new SsoRejectedError(
      `The sign-in from the platform was refused (${(error as Error).message}). ${AGAIN}`,
      { cause: error },
    );
  }
  if (!profile) throw new SsoRejectedError('The platform sent no signed-in user.');
  const facts = readAssertion(profile.getAssertionXml?.() ?? '');
  const misaddressed = addressingProblem(acsUrl, {
    destination: responseDestination(samlResponse),
    recipients: facts.recipients,
  });
  if (misaddressed) throw new SsoRejectedError(`The sign-in was refused: ${misaddressed}. ${AGAIN}`);
  if (!facts.id) throw new SsoRejectedError('The assertion has no ID.');
  if (facts.issuedAt === null) throw new SsoRejectedError('The assertion has no valid IssueInstant.');
  const parsed = attributesSchema.safeParse(profile);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SsoRejectedError(
      `The platform's assertion lacks a valid attribute ${issue.path.join('.')}: ${issue.message}.`,
    );
  }
  return {
    attributes: parsed.data,
    assertionId: facts.id,
    issuedAt: facts.issuedAt,
    notOnOrAfter: facts.notOnOrAfter,
  };
}
