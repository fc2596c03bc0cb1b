import type { z } from 'zod';
import { ConnectorError } from '../errors.ts';

/** A setting is missing or wrong. The message is one line: the setting, what is wrong, an example. */
export class ConfigError extends ConnectorError {
  readonly code = 'CONFIG_INVALID';
}

/** Renders a zod issue as `where: what is wrong`, e.g. `tenants[0].connecHost: Invalid URL`. */
export function describeZodIssue(issue: z.core.$ZodIssue, root: string): string {
  const where = issue.path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    root,
  );
  return `${where}: ${issue.message}`;
}
