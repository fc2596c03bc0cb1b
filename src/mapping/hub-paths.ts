/** Reads a dotted path (`email.address`) from a hub record; absent parts read as undefined. */
export function readPath(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Writes a dotted path into `target`, copying the objects on the way from `current` so that sibling
 * fields another app wrote (e.g. `address_work.shipping` next to `address_work.billing`) are sent back
 * unchanged rather than erased.
 */
export function writePath(
  target: Record<string, unknown>,
  current: unknown,
  path: string,
  value: unknown,
): void {
  const keys = path.split('.');
  let into = target;
  let from: unknown = current;
  keys.forEach((key, i) => {
    const fromValue = from && typeof from === 'object' ? (from as Record<string, unknown>)[key] : undefined;
    if (i === keys.length - 1) {
      into[key] = value;
      return;
    }
    const existing = into[key];
    const next: Record<string, unknown> =
      existing && typeof existing === 'object'
        ? (existing as Record<string, unknown>)
        : fromValue && typeof fromValue === 'object'
          ? { ...(fromValue as Record<string, unknown>) }
          : {};
    into[key] = next;
    into = next;
    from = fromValue;
  });
}
