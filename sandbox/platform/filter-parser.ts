/**
 * The `$filter` subset Connec! understands: comparisons joined with `and`.
 *
 *   parseFilter("updated_at gt '2026-01-01T00:00:00Z' and is_customer eq true")
 *   // [{ path: ['updated_at'], operator: 'gt', value: '2026-01-01T00:00:00Z' },
 *   //  { path: ['is_customer'], operator: 'eq', value: true }]
 *
 * Anything outside the subset (`or`, `not`, parentheses, functions) is refused with a message naming the
 * problem, because silently ignoring part of a filter would return records the caller did not ask for.
 */
export type FilterOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

export interface FilterCondition {
  /** `email/address` becomes `['email', 'address']`. */
  path: string[];
  operator: FilterOperator;
  value: FilterValue;
}

export class FilterSyntaxError extends Error {}

const OPERATORS: readonly string[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const ORDERING: readonly string[] = ['gt', 'ge', 'lt', 'le'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'number'; value: number; text: string; at: number }
  | { kind: 'symbol'; text: string; at: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'") {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= input.length)
          throw new FilterSyntaxError(`unterminated string starting at position ${i + 1}`);
        if (input[j] === "'") {
          // OData escapes a quote inside a string by doubling it.
          if (input[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += input[j];
        j++;
      }
      tokens.push({ kind: 'string', text, at: i });
      i = j + 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?(?![\w:-])/.exec(input.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w/.]*/.exec(input.slice(i));
    if (word) {
      tokens.push({ kind: 'word', text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    const other = /^\S+?(?=\s|'|$)/.exec(input.slice(i))?.[0] ?? ch;
    tokens.push({ kind: 'symbol', text: /^[()]/.test(other) ? ch : other, at: i });
    i += /^[()]/.test(other) ? 1 : other.length;
  }
  return tokens;
}

function describe(token: Token | undefined): string {
  if (!token) return 'the end of the filter';
  return `'${token.kind === 'string' ? `'${token.text}'` : token.text}' at position ${token.at + 1}`;
}

function parseValue(token: Token | undefined, operator: FilterOperator): FilterValue {
  if (!token) throw new FilterSyntaxError(`a value is missing after '${operator}'`);
  if (token.kind === 'string') return token.text;
  if (token.kind === 'number') return token.value;
  if (token.kind === 'word') {
    const lower = token.text.toLowerCase();
    if (lower === 'true' || lower === 'false') {
      if (ORDERING.includes(operator)) {
        throw new FilterSyntaxError(`'${operator}' cannot compare booleans (only eq and ne can)`);
      }
      return lower === 'true';
    }
    if (lower === 'null') {
      if (ORDERING.includes(operator)) throw new FilterSyntaxError(`'${operator}' cannot compare with null`);
      return null;
    }
    throw new FilterSyntaxError(
      `${describe(token)} is not a value: quote strings and dates ('2026-01-01T00:00:00Z'); use true, false, null or a number`,
    );
  }
  if (/^\d{4}-\d{2}/.test(token.text)) {
    throw new FilterSyntaxError(
      `${describe(token)}: put dates in single quotes, e.g. '2026-01-01T00:00:00Z'`,
    );
  }
  throw new FilterSyntaxError(`${describe(token)} is not a value`);
}

/** Parses a `$filter`; throws FilterSyntaxError saying what is unsupported and where. */
export function parseFilter(input: string): FilterCondition[] {
  const tokens = tokenize(input);
  if (tokens.length === 0) throw new FilterSyntaxError('the filter is empty');
  const conditions: FilterCondition[] = [];
  let i = 0;
  for (;;) {
    const field = tokens[i];
    if (field?.kind !== 'word')
      throw new FilterSyntaxError(`expected a field name, found ${describe(field)}`);
    const lowerField = field.text.toLowerCase();
    if (lowerField === 'not')
      throw new FilterSyntaxError(`'not' is not supported (only comparisons joined with 'and')`);
    if (tokens[i + 1]?.kind === 'symbol' && tokens[i + 1]?.text === '(') {
      throw new FilterSyntaxError(
        `functions such as ${field.text}() are not supported (only eq ne gt ge lt le)`,
      );
    }
    const op = tokens[i + 1];
    const operator = op?.kind === 'word' ? op.text.toLowerCase() : undefined;
    if (!operator || !OPERATORS.includes(operator)) {
      throw new FilterSyntaxError(
        `unsupported operator ${describe(op)} after '${field.text}' (supported: eq ne gt ge lt le)`,
      );
    }
    const value = parseValue(tokens[i + 2], operator as FilterOperator);
    conditions.push({ path: field.text.split('/'), operator: operator as FilterOperator, value });
    i += 3;
    const joiner = tokens[i];
    if (!joiner) return conditions;
    const lowerJoiner = joiner.kind === 'word' ? joiner.text.toLowerCase() : '';
    if (lowerJoiner === 'or')
      throw new FilterSyntaxError(`'or' at position ${joiner.at + 1} is not supported (only 'and')`);
    if (lowerJoiner !== 'and') throw new FilterSyntaxError(`expected 'and', found ${describe(joiner)}`);
    i++;
  }
}

export function valueAt(record: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = record;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function compare(actual: unknown, expected: string | number): number | undefined {
  if (typeof expected === 'number') return typeof actual === 'number' ? actual - expected : undefined;
  if (typeof actual !== 'string') return undefined;
  // Dates are compared as instants, so '2026-01-01T00:00:00Z' equals '2026-01-01T00:00:00.000Z'.
  if (ISO_DATE.test(expected) && ISO_DATE.test(actual)) {
    const a = Date.parse(actual);
    const b = Date.parse(expected);
    if (!Number.isNaN(a) && !Number.isNaN(b)) return a - b;
  }
  return actual < expected ? -1 : actual > expected ? 1 : 0;
}

function matches(record: Record<string, unknown>, condition: FilterCondition): boolean {
  const actual = valueAt(record, condition.path);
  const { operator, value } = condition;
  if (value === null || typeof value === 'boolean') {
    const equal = value === null ? actual === null || actual === undefined : actual === value;
    return operator === 'eq' ? equal : !equal;
  }
  const order = compare(actual, value);
  if (order === undefined) return operator === 'ne';
  switch (operator) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
  }
}

export function matchesFilter(
  record: Record<string, unknown>,
  conditions: readonly FilterCondition[],
): boolean {
  return conditions.every((condition) => matches(record, condition));
}
