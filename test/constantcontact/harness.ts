import type { CcEmulatorOptions } from '../../sandbox/constantcontact/index.ts';
import { defaultCcClient } from '../../sandbox/constantcontact/index.ts';
import {
  ConstantContactClient,
  type ConstantContactClientOptions,
} from '../../src/constantcontact/client.ts';
import { InMemoryRateLimiter } from '../../src/constantcontact/rate-limiter.ts';
import type { TokenStore } from '../../src/constantcontact/token-refresh-coordinator.ts';
import type { CcTokenSet } from '../../src/constantcontact/types.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../helpers/cc-emulator.ts';

export const ORG = 'cld-1001';
export const ACCOUNT_ID = 'acc-1001';
export const redirectUri = defaultCcClient.redirectUris[0]!;

/** A token store in memory, recording what it was asked to save. */
export class MemoryTokenStore implements TokenStore {
  readonly tokens = new Map<string, CcTokenSet>();
  readonly saved: CcTokenSet[] = [];

  async load(organizationId: string): Promise<CcTokenSet | null> {
    return this.tokens.get(organizationId) ?? null;
  }

  async save(organizationId: string, tokens: CcTokenSet): Promise<void> {
    this.saved.push(tokens);
    this.tokens.set(organizationId, tokens);
  }
}

export interface Harness {
  emulator: CcTestEmulator;
  client: ConstantContactClient;
  store: MemoryTokenStore;
  api: ReturnType<ConstantContactClient['forOrganization']>;
  close(): Promise<void>;
}

/**
 * The emulator (contract-checked) with one seeded account, and a client whose organization holds tokens
 * granted for it. Limits default to fast ones; tests about limits pass their own.
 */
export async function startHarness(
  options: {
    emulator?: CcEmulatorOptions & { checkRequests?: boolean };
    client?: Partial<ConstantContactClientOptions>;
    seed?: Partial<NonNullable<CcEmulatorOptions['accounts']>[number]>;
    /** Store the granted access token as already expired. */
    expired?: boolean;
  } = {},
): Promise<Harness> {
  const emulator = await startCcEmulatorForTest({
    ratePerSecond: 10_000,
    ...options.emulator,
    accounts: [
      {
        accountId: ACCOUNT_ID,
        username: 'owner@acme.example',
        password: 'correct horse',
        organizationName: 'Acme Ltd',
        ...options.seed,
      },
    ],
  });
  const store = new MemoryTokenStore();
  const granted = emulator.grantTokens({ accountId: ACCOUNT_ID, clientId: defaultCcClient.clientId });
  store.tokens.set(ORG, {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token,
    expiresAt: options.expired
      ? new Date(Date.now() - 1000)
      : new Date(Date.now() + granted.expires_in * 1000),
  });
  const client = new ConstantContactClient({
    config: {
      clientId: defaultCcClient.clientId,
      clientSecret: defaultCcClient.clientSecret,
      redirectUri,
      apiBaseUrl: emulator.url,
      authBaseUrl: emulator.url,
    },
    tokenStore: store,
    rateLimiter: new InMemoryRateLimiter({ perSecond: 1000 }),
    retryPolicy: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
    timeoutMs: 5000,
    ...options.client,
  });
  return { emulator, client, store, api: client.forOrganization(ORG), close: () => emulator.close() };
}

/** How many requests the emulator logged for an endpoint (e.g. `POST /oauth2/default/v1/token`). */
export function countOf(emulator: CcTestEmulator, endpoint: string): number {
  return emulator.requestLog.count((e) => e.endpoint === endpoint);
}
