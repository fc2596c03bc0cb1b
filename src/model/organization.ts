import { z } from 'zod';
import { DIRECTIONS } from './hub-collections.ts';

export const CONFLICT_WINNERS = ['newest', 'hub', 'cc'] as const;
export type ConflictWinner = (typeof CONFLICT_WINNERS)[number];

const direction = z.enum(DIRECTIONS);

/** What an organization's admins choose. */
export const organizationSettingsSchema = z
  .object({
    /**
     * The way each collection flows, by collection, where the admins chose one. A collection not chosen
     * flows every way its mapping can (see `MappingRegistry.directionOf`): employees from the hub to CC
     * only, as the test plan has it; everything else both ways.
     */
    directions: z.record(z.string(), direction).prefault({}),
    /** Explicit, irreversible opt-in to share records that existed before linking. */
    shareHistorical: z.boolean().default(false),
    /** Records created before this instant are only matched and linked, unless shareHistorical. */
    sharingStartsAt: z.iso.datetime().nullable().default(null),
    conflictWinner: z.enum(CONFLICT_WINNERS).default('newest'),
    /** Delete the CC contact (instead of only leaving our lists) when its hub record is deleted. */
    hardDeletes: z.boolean().default(false),
  })
  .strict();

export type OrganizationSettings = z.output<typeof organizationSettingsSchema>;
export type OrganizationSettingsInput = z.input<typeof organizationSettingsSchema>;

export const DEFAULT_SETTINGS: OrganizationSettings = organizationSettingsSchema.parse({});

export interface NeedsReconnect {
  reason: string;
  since: string;
}

export interface CcAccount {
  id: string;
  name: string;
  /** CC's `time_zone_id` (IANA), when the account summary has a valid one. */
  timeZone?: string | null;
}

export interface Organization {
  id: string;
  tenant: string;
  /** The Connec! group id, e.g. `cld-1234`. */
  groupUid: string;
  name: string;
  /** Null until a user links a Constant Contact account. */
  ccAccount: CcAccount | null;
  settings: OrganizationSettings;
  syncEnabled: boolean;
  linkedAt: string | null;
  /** Set when only a user can restore sharing by connecting Constant Contact again; says why. */
  needsReconnect: NeedsReconnect | null;
  /** The IANA zone its pages show times in: its CC account's, as last read; null means UTC. */
  timeZone: string | null;
  deletedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** OAuth tokens, decrypted; they leave the repository only to be sent to Constant Contact. */
export interface CcTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
}
