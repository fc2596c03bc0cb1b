/** What a timer call returns; system timers can be unref'd so they never keep the process alive. */
export interface TimerHandle {
  unref?(): unknown;
}

/**
 * Time as the in-process scheduler sees it: what time it is, and timers. The system's by default; tests
 * give a manual one and move it, so debounces, ticks and deferrals are proven without waiting.
 */
export interface SchedulerTimers {
  now(): Date;
  setTimeout(run: () => unknown, ms: number): TimerHandle;
  setInterval(run: () => unknown, ms: number): TimerHandle;
  clear(handle: TimerHandle | undefined): void;
}

/** Node's timers, with `now` from the sync engine's clock. */
export function systemTimers(now: () => Date): SchedulerTimers {
  return {
    now,
    setTimeout(run, ms) {
      return setTimeout(run, ms);
    },
    setInterval(run, ms) {
      return setInterval(run, ms);
    },
    clear(handle) {
      clearTimeout(handle as NodeJS.Timeout | undefined);
    },
  };
}
