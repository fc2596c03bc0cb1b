import { Redis } from 'ioredis';

/** Every key the connector writes in Redis starts with this, so one Redis can serve other things too. */
export const DEFAULT_KEY_PREFIX = 'cc-connector';

/**
 * A Redis connection with the key space of one deployment. Tests give each suite its own prefix so suites
 * sharing one Redis never see each other's queues, budgets or locks.
 */
export interface SharedRedis {
  readonly client: Redis;
  readonly url: string;
  readonly prefix: string;
  /** A key in this deployment's space: `key('budget', 'day')` -> `cc-connector:budget:day`. */
  key(...parts: string[]): string;
  /** Another connection to the same Redis and prefix (BullMQ workers need their own blocking one). */
  duplicate(): SharedRedis;
  close(): Promise<void>;
}

/**
 * Opens a connection. Commands wait for the connection instead of failing while Redis restarts
 * (`maxRetriesPerRequest: null`, which BullMQ also requires), so a short Redis outage delays work rather
 * than failing runs.
 */
export function openRedis(url: string, prefix = DEFAULT_KEY_PREFIX): SharedRedis {
  const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
  return {
    client,
    url,
    prefix,
    key: (...parts) => [prefix, ...parts].join(':'),
    duplicate: () => openRedis(url, prefix),
    async close() {
      if (client.status === 'end') return;
      try {
        await client.quit();
      } catch {
        // Already closed by the other side: nothing left to release.
        client.disconnect();
      }
    },
  };
}

/** True when Redis answers PING within `timeoutMs` (readiness checks). */
export async function redisAnswers(redis: SharedRedis, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.client.ping().then((answer) => answer === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
