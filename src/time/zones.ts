import { IANAZone } from 'luxon';

/**
 * IANA time zones (SPEC §2): which names are accepted, how they are stored, and how UTC is
 * recognised. Pure.
 */

const ZONE_SYNTAX = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** IANA zone names (any case, links like `US/Pacific` included) and `UTC`. Not offsets like `+02:00`. */
export function isValidZone(zone: string): boolean {
  return zone.length <= 64 && ZONE_SYNTAX.test(zone) && IANAZone.isValidZone(zone);
}

/**
 * The zone name to store: the canonical spelling when it differs only by case
 * (`europe/berlin` → `Europe/Berlin`, `utc` → `UTC`), else the name as given
 * (`US/Pacific` stays). null when not a valid zone.
 */
export function normalizeZone(zone: string): string | null {
  if (!isValidZone(zone)) return null;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
  } catch {
    return null;
  }
}
