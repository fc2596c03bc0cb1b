import type { FaultKnobs } from '../shared/test-knobs.ts';

/** Which element of a SAML Response the IdP signs. */
export const SAML_SIGNING_MODES = ['response', 'assertion', 'both'] as const;
export type SamlSigning = (typeof SAML_SIGNING_MODES)[number];

/**
 * How the platform emulator behaves where the real platform's behaviour is not known: each knob's default is
 * the best guess (docs/fidelity.md says which are guesses). All can be changed while the emulator runs.
 */
export interface PlatformKnobs extends FaultKnobs {
  /**
   * What the IdP signs: the Response only, the Assertion only, or both (default). Which one the real IdP
   * signs is not known, so a service provider must accept any of the three.
   */
  samlSigning: SamlSigning;
  /**
   * Connec! also notifies a connector of the changes that connector wrote itself. Not known; off by default
   * (only other apps' changes are notified).
   */
  notifyOwnWrites: boolean;
}

/** The knobs the emulator starts with when it is given none. */
export const defaultPlatformKnobs: PlatformKnobs = {
  latencyMs: 0,
  errorRate: 0,
  dropRate: 0,
  samlSigning: 'both',
  notifyOwnWrites: false,
};

/** A knob change the emulator refuses; the message names the knob and what it takes. Answered as 400. */
export class PlatformKnobError extends Error {
  readonly code = 'INVALID_KNOB';
}

const isRate = (value: unknown) => typeof value === 'number' && value >= 0 && value <= 1;

/**
 * Checks a partial set of knobs (as `PUT /sandbox/knobs` or the emulator's options give them) and returns it
 * typed. Throws PlatformKnobError naming the first knob that is unknown or has a wrong value, so a typo does
 * not silently leave the emulator as it was.
 */
export function checkPlatformKnobs(input: unknown): Partial<PlatformKnobs> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new PlatformKnobError('knobs must be a JSON object, e.g. {"samlSigning": "response"}');
  }
  const checked: Partial<PlatformKnobs> = {};
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'latencyMs':
        if (typeof value !== 'number' || value < 0)
          throw new PlatformKnobError(
            `latencyMs must be a number of milliseconds >= 0, got ${JSON.stringify(value)}`,
          );
        checked.latencyMs = value;
        break;
      case 'errorRate':
      case 'dropRate':
        if (!isRate(value))
          throw new PlatformKnobError(`${key} must be a number from 0 to 1, got ${JSON.stringify(value)}`);
        checked[key] = value as number;
        break;
      case 'samlSigning':
        if (!SAML_SIGNING_MODES.includes(value as SamlSigning))
          throw new PlatformKnobError(
            `samlSigning must be one of ${SAML_SIGNING_MODES.join(', ')}, got ${JSON.stringify(value)}`,
          );
        checked.samlSigning = value as SamlSigning;
        break;
      case 'notifyOwnWrites':
        if (typeof value !== 'boolean')
          throw new PlatformKnobError(`notifyOwnWrites must be true or false, got ${JSON.stringify(value)}`);
        checked.notifyOwnWrites = value;
        break;
      default:
        throw new PlatformKnobError(
          `unknown knob "${key}"; the platform emulator has ${Object.keys(defaultPlatformKnobs).join(', ')}`,
        );
    }
  }
  return checked;
}
