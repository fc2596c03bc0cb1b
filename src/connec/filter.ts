export type FilterOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | Date | null;
export type FilterCondition = readonly [field: string, operator: FilterOperator, value: FilterValue];

/** A value as `$filter` wants it: strings and dates quoted (quotes doubled), the rest bare. */
export function filterLiteral(value: FilterValue): string {
  if (value === null) return 'null';
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return String(value);
}

/**
 * Builds a Connec! `$filter` from conditions joined with `and`.
 *
 *   buildFilter([['updated_at', 'gt', new Date('2026-01-01')], ['is_customer', 'eq', true]])
 *   // "updated_at gt '2026-01-01T00:00:00.000Z' and is_customer eq true"
 */
export function buildFilter(conditions: readonly FilterCondition[]): string {
  return conditions
    .map(([field, operator, value]) => {
      if (!/^[A-Za-z_][\w/]*$/.test(field)) throw new RangeError(`"${field}" is not a Connec! field name`);
      return `${field} ${operator} ${filterLiteral(value)}`;
    })
    .join(' and ');
}
