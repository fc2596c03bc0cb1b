import { abortableSleep } from '../abortable-sleep.ts';

/**
 * Time as the client sees it: reading the time and waiting. The rate limiter, the retry loop and the
 * activity poller take one, so tests can drive them with a manual clock instead of real waits.
 */
export interface ClientClock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClientClock: ClientClock = {
  now: () => Date.now(),
  sleep: abortableSleep,
};
