import type { GoalView } from './view.js';
import { badgeMessage } from './badge.js';

/** The shields.io endpoint-badge schema (https://shields.io/badges/endpoint-badge). */
export interface ShieldsEndpoint {
  schemaVersion: 1;
  label: string;
  message: string;
  /** Hex without `#`, which shields.io accepts like a named colour. */
  color: string;
  /** shields.io ignores values under 300 s. */
  cacheSeconds: number;
}

/** What `/embed/<token>/shields.json` answers; same words and colour as the SVG badge. */
export function renderShields(view: GoalView): ShieldsEndpoint {
  const { label, message, color } = badgeMessage(view);
  return { schemaVersion: 1, label, message, color: color.replace(/^#/, ''), cacheSeconds: 300 };
}
