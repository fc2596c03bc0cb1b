/** Emails are compared trimmed and case-insensitive: " Ann@Example.com" and "ann@example.com" are one person. */
export function normalizeEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}
