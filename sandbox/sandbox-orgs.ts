/** How many organizations (and CC accounts) the demo seeds when `SANDBOX_ORGS` is not set. */
export const DEFAULT_SANDBOX_ORGS = 2;
/** Beyond this the emulators' in-memory seed and the dashboard stop being useful for trying things by hand. */
export const MAX_SANDBOX_ORGS = 500;

export class SandboxOrgsError extends Error {
  readonly code = 'SANDBOX_ORGS_INVALID';
  constructor(raw: string) {
    super(
      `SANDBOX_ORGS must be a whole number from 1 to ${MAX_SANDBOX_ORGS} (got "${raw}"); unset, the sandbox seeds ${DEFAULT_SANDBOX_ORGS} organizations`,
    );
    this.name = 'SandboxOrgsError';
  }
}

/** Reads `SANDBOX_ORGS`: unset or empty gives the default; anything but 1..MAX_SANDBOX_ORGS is refused. */
export function parseSandboxOrgs(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_SANDBOX_ORGS;
  const text = raw.trim();
  if (!/^\d+$/.test(text)) throw new SandboxOrgsError(raw);
  const count = Number(text);
  if (count < 1 || count > MAX_SANDBOX_ORGS) throw new SandboxOrgsError(raw);
  return count;
}
