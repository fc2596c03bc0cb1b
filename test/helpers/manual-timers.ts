import type { SchedulerTimers, TimerHandle } from '../../src/jobs/scheduler-timers.ts';

interface Timer {
  due: number;
  run: () => unknown;
  every: number | null;
}

/**
 * Timers that fire only when the test moves time: `advance` fires each timer that comes due, in order,
 * and waits for what it started (a scheduler tick returns its promise), so a test proves a debounce or a
 * schedule without sleeping.
 */
export class ManualTimers implements SchedulerTimers {
  #at: number;
  #timers = new Map<TimerHandle, Timer>();

  constructor(start = '2026-06-01T09:00:00.000Z') {
    this.#at = Date.parse(start);
  }

  now(): Date {
    return new Date(this.#at);
  }

  setTimeout(run: () => unknown, ms: number): TimerHandle {
    const handle: TimerHandle = {};
    this.#timers.set(handle, { due: this.#at + ms, run, every: null });
    return handle;
  }

  setInterval(run: () => unknown, ms: number): TimerHandle {
    const handle: TimerHandle = {};
    this.#timers.set(handle, { due: this.#at + ms, run, every: Math.max(1, ms) });
    return handle;
  }

  clear(handle: TimerHandle | undefined): void {
    if (handle) this.#timers.delete(handle);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time `ms` forward, firing every timer due on the way, earliest first. */
  async advance(ms: number): Promise<void> {
    const until = this.#at + ms;
    for (;;) {
      const next = [...this.#timers]
        .filter(([, t]) => t.due <= until)
        .sort(([, a], [, b]) => a.due - b.due)[0];
      if (!next) break;
      const [handle, timer] = next;
      this.#at = Math.max(this.#at, timer.due);
      if (timer.every === null) this.#timers.delete(handle);
      else timer.due += timer.every;
      await timer.run();
    }
    this.#at = until;
  }
}
