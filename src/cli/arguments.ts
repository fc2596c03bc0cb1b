import { ConnectorError } from '../errors.ts';

export class UsageError extends ConnectorError {
  readonly code = 'CLI_USAGE';
}

/** Reads `--name value` and `--flag` options; anything unknown is a usage error naming it. */
export function parseOptions(args: readonly string[], known: { values: string[]; flags: string[] }) {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.replace(/^--/, '');
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}".`);
    if (known.flags.includes(name)) flags.add(name);
    else if (known.values.includes(name)) {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value.`);
      values[name] = value;
    } else throw new UsageError(`Unknown option "${arg}".`);
  }
  return { values, flags };
}

export function required(values: Record<string, string>, name: string): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required.`);
  return value;
}
