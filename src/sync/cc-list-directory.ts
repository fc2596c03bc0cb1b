import { CcConflictError } from '../constantcontact/errors.ts';
import type { CcListsApi } from '../constantcontact/lists-api.ts';
import type { CcContactList } from '../constantcontact/types.ts';
import type { CcMirrorRepository } from '../db/repositories/cc-mirror.ts';
import { LIST_NAMES, LIST_ROLES, type ListRole, roleOfListName } from '../mapping/list-roles.ts';

/**
 * The connector's lists in one CC account. Ids are remembered in the database, so a run spends no call on
 * lists until it needs one it does not know; a missing list is found by name, or created on first use.
 */
export class CcListDirectory {
  readonly #organizationId: string;
  readonly #mirror: CcMirrorRepository;
  readonly #api: CcListsApi;
  readonly #ids: Map<ListRole, string>;
  /** The account's lists as read in this run (at most one read per run), or null before any read. */
  #accountLists: CcContactList[] | null = null;

  private constructor(
    organizationId: string,
    mirror: CcMirrorRepository,
    api: CcListsApi,
    ids: Map<ListRole, string>,
  ) {
    this.#organizationId = organizationId;
    this.#mirror = mirror;
    this.#api = api;
    this.#ids = ids;
  }

  static async load(
    organizationId: string,
    mirror: CcMirrorRepository,
    api: CcListsApi,
  ): Promise<CcListDirectory> {
    return new CcListDirectory(organizationId, mirror, api, await mirror.listIds(organizationId));
  }

  /** The role of a list id, for the connector's lists; undefined for the account's other lists. */
  roleOf(listId: string): ListRole | undefined {
    for (const [role, id] of this.#ids) if (id === listId) return role;
    return undefined;
  }

  get roleOfListId(): ReadonlyMap<string, ListRole> {
    return new Map([...this.#ids].map(([role, id]) => [id, role]));
  }

  /** Ids of the connector's lists known so far. */
  get ourListIds(): ReadonlySet<string> {
    return new Set(this.#ids.values());
  }

  async idsFor(roles: readonly ListRole[]): Promise<string[]> {
    const ids: string[] = [];
    for (const role of roles) ids.push(await this.idFor(role));
    return ids;
  }

  async idFor(role: ListRole): Promise<string> {
    const known = this.#ids.get(role);
    if (known) return known;
    await this.#lookUpByName();
    const found = this.#ids.get(role);
    if (found) return found;
    try {
      const created = await this.#api.create({
        name: LIST_NAMES[role],
        description: 'Shared by the Connec! connector.',
      });
      await this.#remember(role, created.list_id);
      return created.list_id;
    } catch (error) {
      // Someone made the list between our look-up and our creation: find it again.
      if (!(error instanceof CcConflictError)) throw error;
      this.#accountLists = null;
      await this.#lookUpByName();
      const again = this.#ids.get(role);
      if (!again) throw error;
      return again;
    }
  }

  /**
   * Which of the connector's lists among `listIds` no longer exist in the account (deleted in CC). Reads
   * the account's lists, once per run; ids that are not the connector's are ignored.
   */
  async findDeleted(listIds: Iterable<string>): Promise<Array<{ role: ListRole; listId: string }>> {
    const wanted = [...new Set(listIds)].flatMap((listId) => {
      const role = this.roleOf(listId);
      return role ? [{ role, listId }] : [];
    });
    if (wanted.length === 0) return [];
    const existing = new Set((await this.#readAccountLists()).map((l) => l.list_id));
    return wanted.filter((w) => !existing.has(w.listId));
  }

  /** Forgets a list deleted in CC: the next `idFor` of its role finds or creates another. */
  async forget(role: ListRole): Promise<void> {
    this.#ids.delete(role);
    await this.#mirror.forgetListId(this.#organizationId, role);
  }

  async #readAccountLists(): Promise<CcContactList[]> {
    this.#accountLists ??= await this.#api.all();
    return this.#accountLists;
  }

  /** Reads the account's lists once per run and keeps the connector's by name. */
  async #lookUpByName(): Promise<void> {
    for (const list of await this.#readAccountLists()) {
      const role = roleOfListName(list.name);
      if (role && LIST_ROLES.includes(role) && this.#ids.get(role) !== list.list_id)
        await this.#remember(role, list.list_id);
    }
  }

  async #remember(role: ListRole, listId: string): Promise<void> {
    this.#ids.set(role, listId);
    await this.#mirror.saveListId(this.#organizationId, role, listId);
  }
}
