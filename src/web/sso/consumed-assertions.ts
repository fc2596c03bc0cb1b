/**
 * Assertion ids already used to sign in, kept until the assertion would have expired anyway, so a captured
 * SAML Response cannot be posted a second time. In memory: right for the embedded mode (one process). With
 * several web processes a replay could be accepted once per process; the scale-out mode needs this list in
 * the shared database or Redis.
 */
export class ConsumedAssertions {
  readonly #expiries = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Records the id; false when it was already used and has not expired. */
  consume(assertionId: string, expiresAt: number): boolean {
    const now = this.#now();
    for (const [id, expiry] of this.#expiries) if (expiry <= now) this.#expiries.delete(id);
    if (this.#expiries.has(assertionId)) return false;
    this.#expiries.set(assertionId, Math.max(expiresAt, now));
    return true;
  }

  get size(): number {
    return this.#expiries.size;
  }
}
