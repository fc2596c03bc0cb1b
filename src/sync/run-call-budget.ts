/**
 * The Constant Contact requests one run may send. A run with a cap stops at the next safe place once it
 * is spent (after a page, with its cursors saved there) and reports that work is left, so a first sync
 * of a large account or a backfill goes on in chunks instead of eating the day's shared budget at once.
 * Without a cap it only counts. Retries are not counted here: the shared limiter counts every request.
 */
export class RunCallBudget {
  readonly max: number | undefined;
  #spent = 0;

  constructor(max?: number) {
    if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
      throw new RangeError(`A run's call budget is a whole number of requests from 1, not ${max}.`);
    }
    this.max = max;
  }

  /** One request is about to be sent. */
  count(): void {
    this.#spent++;
  }

  get spent(): number {
    return this.#spent;
  }

  /** The cap is reached: the run should stop at its next safe place. Never true without a cap. */
  get exhausted(): boolean {
    return this.exhaustedWith(0);
  }

  /** The cap would be reached once `pending` more requests (writes held back, say) are sent. */
  exhaustedWith(pending: number): boolean {
    return this.max !== undefined && this.#spent + pending >= this.max;
  }
}
