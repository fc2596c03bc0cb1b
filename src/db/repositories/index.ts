import type { Kysely } from 'kysely';
import type { TokenCipher } from '../../security/token-cipher.ts';
import type { Database } from '../schema.ts';
import { accessChangeRepository } from './access-changes.ts';
import { alertRepository } from './alerts.ts';
import { auditLogRepository } from './audit-log.ts';
import { ccMirrorRepository } from './cc-mirror.ts';
import { cursorRepository } from './cursors.ts';
import { fleetRepository } from './fleet.ts';
import { idMapRepository } from './id-maps.ts';
import { organizationRepository } from './organizations.ts';
import { pendingLinkRepository } from './pending-links.ts';
import { personalDataRepository } from './personal-data.ts';
import { pollStateRepository } from './poll-states.ts';
import { sharedContactRepository } from './shared-contacts.ts';
import { spentTokenRepository } from './spent-tokens.ts';
import { syncRunRepository } from './sync-runs.ts';
import { userRepository } from './users.ts';

export type Repositories = ReturnType<typeof createRepositories>;

/** Every repository over one database. `now` is injectable so tests control time. */
export function createRepositories(
  db: Kysely<Database>,
  cipher: TokenCipher,
  now: () => Date = () => new Date(),
) {
  return {
    organizations: organizationRepository(db, cipher, now),
    users: userRepository(db, now),
    idMaps: idMapRepository(db, now),
    sharedContacts: sharedContactRepository(db),
    syncRuns: syncRunRepository(db, now),
    cursors: cursorRepository(db, now),
    auditLog: auditLogRepository(db, now),
    ccMirror: ccMirrorRepository(db, now),
    pendingLinks: pendingLinkRepository(db, cipher, now),
    fleet: fleetRepository(db),
    pollStates: pollStateRepository(db, now),
    spentTokens: spentTokenRepository(db, now),
    accessChanges: accessChangeRepository(db, now),
    personalData: personalDataRepository(db),
    alerts: alertRepository(db, now),
  };
}
