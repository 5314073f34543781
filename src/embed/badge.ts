import type { GoalView } from './view.js';
import { escapeXml, shortDuration } from './format.js';

export interface BadgeMessage {
  label: string;
  message: string;
  /** Hex colour with its `#`. */
  color: string;
}

export const BADGE_COLORS = {
  on_track: '#4c1',
  due_soon: '#dfb317',
  overdue: '#e05d44',
  completed: '#007ec6',
  completed_late: '#fe7d37',
  cancelled: '#9f9f9f',
  untracked: '#9f9f9f',
} as const;

/** What the badge (and the shields.io endpoint) says; shared so both always agree. */
export function badgeMessage(view: GoalView): BadgeMessage {
  const label = 'deadline';
  const left = Date.parse(view.due_at) - Date.parse(view.now);
  switch (view.state) {
    case 'cancelled':
      return { label, message: 'cancelled', color: BADGE_COLORS.cancelled };
    case 'completed':
      return { label, message: 'done', color: BADGE_COLORS.completed };
    case 'completed_late':
      return { label, message: 'done late', color: BADGE_COLORS.completed_late };
    default:
      break;
  }
  // Still active: once GitDone no longer watches the repository, nothing will complete it.
  if (!view.tracked) return { label, message: 'untracked', color: BADGE_COLORS.untracked };
  if (view.state === 'overdue') return { label, message: `overdue ${shortDuration(left)}`, color: BADGE_COLORS.overdue };
  return { label, message: `${shortDuration(left)} left`, color: BADGE_COLORS[view.state] };
}

/**
 * Advance widths of Verdana (units per 1000 em) for printable ASCII 0x20..0x7e, the font
 * shields.io measures badges in. Width at 11px = units * 11 / 1000.
 */
// prettier-ignore
const VERDANA_ASCII = [
  352, 393, 458, 818, 635, 1076, 726, 268, 454, 454, 635, 818, 363, 454, 363, 454, // space ! " # $ % & ' ( ) * + , - . /
  635, 635, 635, 635, 635, 635, 635, 635, 635, 635, 454, 454, 818, 818, 818, 545, // 0-9 : ; < = > ?
  1000, 683, 685, 698, 770, 632, 574, 775, 751, 420, 454, 692, 556, 842, 748, 787, // @ A-O
  603, 787, 695, 683, 616, 731, 683, 988, 685, 615, 685, 454, 454, 454, 818, 635, // P-Z [ \ ] ^ _
  635, 600, 623, 520, 623, 595, 351, 623, 632, 274, 344, 591, 274, 972, 632, 606, // ` a-o
  623, 623, 426, 520, 394, 632, 591, 818, 591, 591, 525, 634, 454, 634, 818, // p-z { | } ~
];

function charUnits(cp: number): number {
  if (cp >= 0x20 && cp <= 0x7e) return VERDANA_ASCII[cp - 0x20] ?? 635;
  // Combining marks, zero-width characters, bidi controls and variation selectors take no room.
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
      (cp >= 0x2060 && cp <= 0x206f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp < 0x20) return 0;
  // East Asian wide characters, emoji and the like: a full em.
  if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x1f000) return 1000;
  return 635; // a typical Latin/Greek/Cyrillic letter
}

/** Text width in px for 11px Verdana, as shields.io computes it (rounded up). */
export function verdana11Width(text: string): number {
  let units = 0;
  for (const ch of text) units += charUnits(ch.codePointAt(0) ?? 0x20);
  return Math.ceil((units * 11) / 1000);
}

/** Dark text on light backgrounds, as shields.io does (perceived brightness ≥ 0.69). */
function textColors(hex: string): { fg: string; shadow: string } {
  let h = hex.replace('#', '');
  if (h.length === 3) h = h.replace(/./g, '$&$&');
  const n = Number.parseInt(h, 16);
  const brightness = (((n >> 16) & 255) * 299 + ((n >> 8) & 255) * 587 + (n & 255) * 114) / 255000;
  return brightness >= 0.69 ? { fg: '#333', shadow: '#ccc' } : { fg: '#fff', shadow: '#010101' };
}

/** A shields.io "flat" style badge: "deadline | 3d 4h left". */
export function renderBadge(view: GoalView): string {
  const { label, message, color } = badgeMessage(view);
  const pad = 5;
  const lt = verdana11Width(label);
  const mt = verdana11Width(message);
  const lw = lt + 2 * pad;
  const mw = mt + 2 * pad;
  const w = lw + mw;
  const text = escapeXml(`${label}: ${message}`);
  const l = escapeXml(label);
  const m = escapeXml(message);
  const { fg, shadow } = textColors(color);
  // Text is drawn at 10x and scaled down, as shields.io does, for sub-pixel placement.
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${text}">` +
    `<title>${text}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${color}"/><rect width="${w}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">` +
    `<text aria-hidden="true" x="${lw * 5}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${lt * 10}">${l}</text>` +
    `<text x="${lw * 5}" y="140" transform="scale(.1)" fill="#fff" textLength="${lt * 10}">${l}</text>` +
    `<text aria-hidden="true" x="${lw * 10 + mw * 5}" y="150" fill="${shadow}" fill-opacity=".3" transform="scale(.1)" textLength="${mt * 10}">${m}</text>` +
    `<text x="${lw * 10 + mw * 5}" y="140" transform="scale(.1)" fill="${fg}" textLength="${mt * 10}">${m}</text>` +
    `</g></svg>`
  );
}
