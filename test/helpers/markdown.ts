import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/** Markdown → HTML the GitHub way (GFM: tables, autolinks), raw HTML kept so that it shows. */
export function render(markdown: string): string {
  return micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true });
}

/** The tags GitDone's own comments use. */
const OUR_TAGS = new Set([
  'p', 'strong', 'em', 'code', 'pre', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr', 'h3', 'br', 'a', 'details', 'summary', 'del',
]);

export interface ActiveOptions {
  /** Link targets that are GitDone's own. */
  hrefs?: string[];
  /** Text GitDone writes on purpose outside code: `@alice` in a reminder, `#12` for a goal's issue. */
  allow?: RegExp[];
}

/**
 * Everything in `markdown` that GitHub would make live: images, links to elsewhere, HTML
 * that is not ours, and (outside code, where GitHub's filters look) mentions, issue
 * references and bare URLs. Empty when the comment is inert.
 */
export function activeParts(markdown: string, opts: ActiveOptions = {}): string[] {
  const html = render(markdown);
  const found: string[] = [];
  for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const tag = m[1]!.toLowerCase();
    if (!OUR_TAGS.has(tag)) found.push(`tag <${tag}>`);
  }
  for (const m of html.matchAll(/<a\s[^>]*href="([^"]*)"/g)) {
    const href = m[1]!.replace(/&amp;/g, '&');
    if (!(opts.hrefs ?? []).some((h) => href.startsWith(h))) found.push(`link ${href}`);
  }
  // What GitHub's mention, reference and autolink filters see: text outside code, pre and our links.
  let text = html
    .replace(/<pre[\s\S]*?<\/pre>/g, ' ')
    .replace(/<code>[\s\S]*?<\/code>/g, ' ')
    .replace(/<a\s[^>]*>[\s\S]*?<\/a>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  for (const re of opts.allow ?? []) text = text.replace(new RegExp(re.source, 'g'), ' ');
  const live = [
    /(?<![\w`])@[A-Za-z0-9][\w-]*(?:\/[\w-]+)?/g, // @user, @org/team
    /(?<![\w&])#\d+/g, // #12
    /\b[\w.-]+\/[\w.-]+#\d+/g, // owner/repo#12
    /\bGH-\d+/gi,
    /https?:\/\/\S+/gi,
    /\bwww\.\S+/gi,
  ];
  for (const re of live) for (const m of text.matchAll(re)) found.push(`text ${m[0]}`);
  return found;
}
