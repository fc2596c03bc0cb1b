import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export type Side = 'hub' | 'cc';

export type CursorRepository = ReturnType<typeof cursorRepository>;

/** Where change detection resumes, per organization, side and collection. */
export function cursorRepository(db: Kysely<Database>, now: () => Date) {
  return {
    async get(organizationId: string, side: Side, collection: string): Promise<string | null> {
      const row = await db
        .selectFrom('cursors')
        .select('value')
        .where('organization_id', '=', organizationId)
        .where('side', '=', side)
        .where('collection', '=', collection)
        .executeTakeFirst();
      return row?.value ?? null;
    },

    async set(organizationId: string, side: Side, collection: string, value: string): Promise<void> {
      const updated_at = now().toISOString();
      await db
        .insertInto('cursors')
        .values({ organization_id: organizationId, side, collection, value, updated_at })
        .onConflict((oc) =>
          oc.columns(['organization_id', 'side', 'collection']).doUpdateSet({ value, updated_at }),
        )
        .execute();
    },

    async remove(organizationId: string, side: Side, collection: string): Promise<void> {
      await db
        .deleteFrom('cursors')
        .where('organization_id', '=', organizationId)
        .where('side', '=', side)
        .where('collection', '=', collection)
        .execute();
    },

    async list(
      organizationId: string,
    ): Promise<Array<{ side: Side; collection: string; value: string; updatedAt: string }>> {
      const rows = await db
        .selectFrom('cursors')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('side')
        .orderBy('collection')
        .execute();
      return rows.map((r) => ({
        side: r.side as Side,
        collection: r.collection,
        value: r.value,
        updatedAt: r.updated_at,
      }));
    },

    /** Forgets every cursor of the organization, so the next run reads both sides from the start. */
    async reset(organizationId: string): Promise<void> {
      await db.deleteFrom('cursors').where('organization_id', '=', organizationId).execute();
    },
  };
}
