import { type FilterCondition, FilterSyntaxError, parseFilter, valueAt } from './filter-parser.ts';

export const DEFAULT_TOP = 100;
export const MAX_TOP = 1000;

export interface OrderTerm {
  path: string[];
  descending: boolean;
}

/** A list request of the Connec! API, checked. */
export interface HubQuery {
  filter: FilterCondition[];
  /** Kept verbatim so the `next` link repeats exactly what the caller sent. */
  filterText: string | undefined;
  orderBy: OrderTerm[];
  orderByText: string | undefined;
  top: number;
  skip: number;
}

/** The query string was not understood; the message names the parameter and the problem. */
export class HubQueryError extends Error {}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HubQueryError(`${name} was given more than once`);
  return value;
}

function nonNegativeInteger(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim())) throw new HubQueryError(`${name} must be a whole number, got "${text}"`);
  return Number(text);
}

function parseOrderBy(text: string): OrderTerm[] {
  return text.split(',').map((part) => {
    const words = part.trim().split(/\s+/);
    const [field, direction = 'asc', extra] = words;
    if (!field || !/^[A-Za-z_][\w/]*$/.test(field) || extra !== undefined) {
      throw new HubQueryError(`$orderby: "${part.trim()}" is not "field [asc|desc]"`);
    }
    const dir = direction.toLowerCase();
    if (dir !== 'asc' && dir !== 'desc')
      throw new HubQueryError(`$orderby: direction must be asc or desc, got "${direction}"`);
    return { path: field.split('/'), descending: dir === 'desc' };
  });
}

export function parseHubQuery(query: Record<string, unknown>): HubQuery {
  const filterText = single(query, '$filter');
  let filter: FilterCondition[] = [];
  if (filterText !== undefined && filterText.trim() !== '') {
    try {
      filter = parseFilter(filterText);
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw new HubQueryError(`$filter: ${error.message}`);
      throw error;
    }
  }
  const orderByText = single(query, '$orderby');
  const orderBy = orderByText ? parseOrderBy(orderByText) : [];
  const top = nonNegativeInteger(single(query, '$top'), '$top', DEFAULT_TOP);
  if (top < 1 || top > MAX_TOP) throw new HubQueryError(`$top must be between 1 and ${MAX_TOP}, got ${top}`);
  const skip = nonNegativeInteger(single(query, '$skip'), '$skip', 0);
  return { filter, filterText, orderBy, orderByText, top, skip };
}

function compareValues(a: unknown, b: unknown): number {
  // Missing values sort last, as a database with NULLS LAST would.
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sorts by the requested terms; ties keep the given (creation) order, so paging is stable. */
export function sortRecords<T extends Record<string, unknown>>(
  records: T[],
  orderBy: readonly OrderTerm[],
): T[] {
  if (orderBy.length === 0) return records;
  return [...records].sort((a, b) => {
    for (const term of orderBy) {
      const order = compareValues(valueAt(a, term.path), valueAt(b, term.path));
      if (order !== 0) return term.descending ? -order : order;
    }
    return 0;
  });
}
