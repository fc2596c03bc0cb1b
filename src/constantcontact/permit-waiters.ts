/** A caller waiting for a permit; the limiter's drain loop settles it. */
export interface Waiter<T> {
  resolve: (permit: T) => void;
  reject: (reason: unknown) => void;
}

/**
 * Puts a caller in a limiter's line and returns its promise: an abort takes it out of the line and
 * rejects with the signal's reason; settling it detaches the abort listener. `wake` starts the drain loop.
 */
export function waitInLine<T>(queue: Waiter<T>[], wake: () => void, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const waiter: Waiter<T> = { resolve, reject };
    if (signal) {
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiter.resolve = (permit) => {
        signal.removeEventListener('abort', onAbort);
        resolve(permit);
      };
      waiter.reject = (reason) => {
        signal.removeEventListener('abort', onAbort);
        reject(reason);
      };
    }
    queue.push(waiter);
    wake();
  });
}
