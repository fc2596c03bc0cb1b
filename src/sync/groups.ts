/**
 * Adds `value` to the group of `key`, in place: grouping a batch stays linear however large the batch
 * (copying the group on each add made it quadratic at 40,000 contacts).
 */
export function addToGroup<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const group = groups.get(key);
  if (group) group.push(value);
  else groups.set(key, [value]);
}
