import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import { CcAccount, type CcAccountRules, type CcContactInput } from './account-state.ts';
import type { CcPhysicalAddress } from './account-summary.ts';

/** An account to create at start (or later, with `accounts.add`). */
export interface CcSeedAccount {
  accountId: string;
  username: string;
  password: string;
  organizationName: string;
  contactEmail?: string;
  /** Contacts created as the user would in CC's UI; a missing email becomes `contact-N@example.com`. */
  contacts?: Array<Partial<CcContactInput>>;
  /** List names created before the contacts. */
  lists?: string[];
  timeZoneId?: string;
  physicalAddress?: CcPhysicalAddress;
  website?: string;
}

/** Every account of the emulator, by CC account id and by login. */
export class CcAccountRegistry {
  readonly #accounts = new Map<string, CcAccount>();
  readonly #clock: Clock;
  readonly #rules: CcAccountRules;

  /** `rules` is read at each change, so knobs changed while the emulator runs apply at once. */
  constructor(clock: Clock, rules: CcAccountRules = { listMembershipsOnPut: 'replace' }) {
    this.#clock = clock;
    this.#rules = rules;
  }

  /** Creates an account with its lists and contacts. Throws when the id or username is taken. */
  add(seed: CcSeedAccount): CcAccount {
    if (this.#accounts.has(seed.accountId)) throw new Error(`CC account ${seed.accountId} already exists.`);
    if (this.findByUsername(seed.username)) throw new Error(`CC username ${seed.username} is already taken.`);
    const account = new CcAccount({
      id: seed.accountId,
      username: seed.username,
      password: seed.password,
      clock: this.#clock,
      rules: this.#rules,
      summary: {
        encoded_account_id: seed.accountId,
        organization_name: seed.organizationName,
        contact_email: seed.contactEmail ?? seed.username,
        country_code: 'US',
        time_zone_id: seed.timeZoneId ?? 'America/New_York',
        physical_address: seed.physicalAddress ?? {
          address_line1: '1601 Trapelo Road',
          city: 'Waltham',
          state_code: 'MA',
          postal_code: '02451',
          country_code: 'US',
        },
        ...(seed.website ? { website: seed.website } : {}),
      },
    });
    this.#accounts.set(seed.accountId, account);
    for (const name of seed.lists ?? []) account.createList(name);
    (seed.contacts ?? []).forEach((contact, i) => {
      account.createContactAsUser({ ...contact, email: contact.email ?? `contact-${i + 1}@example.com` });
    });
    return account;
  }

  /** The account, or an error naming the unknown id (tests read better than with `undefined`). */
  get(accountId: string): CcAccount {
    const account = this.#accounts.get(accountId);
    if (!account) throw new Error(`No CC account ${accountId} in the emulator.`);
    return account;
  }

  find(accountId: string): CcAccount | undefined {
    return this.#accounts.get(accountId);
  }

  findByUsername(username: string): CcAccount | undefined {
    const wanted = username.trim().toLowerCase();
    return this.all().find((a) => a.username.toLowerCase() === wanted);
  }

  all(): CcAccount[] {
    return [...this.#accounts.values()];
  }

  /** A fresh account id in CC's style, for tests that create accounts on the fly. */
  static newAccountId(): string {
    return `a${randomUUID().replaceAll('-', '').slice(0, 11)}`;
  }
}
