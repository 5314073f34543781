import { micromark, type Options } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

type HtmlExtension = NonNullable<Options['htmlExtensions']>[number];
type CompileContext = ThisParameterType<NonNullable<NonNullable<HtmlExtension['exit']>['htmlFlow']>>;

/**
 * Comments as the playground shows them: Markdown the GitHub way (GFM: tables, task lists,
 * strikethrough, autolinks), with micromark, a small CommonMark-exact parser.
 *
 * Raw HTML, the way GitHub treats it as far as GitDone's comments go: HTML comments (the
 * hidden `<!-- gitdone:… -->` marker on every reply) are hidden; a few harmless tags with no
 * attributes (`<details>`, `<summary>`, `<b>`, `<code>`, …) work; everything else is shown
 * as text rather than dropped, so that markup a reply should not carry is visible here.
 * micromark escapes all raw HTML first (its default) and drops unsafe link schemes; only
 * those exact tags are then let through.
 */
export function renderMarkdown(markdown: string): string {
  return micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml(), githubLikeHtml] });
}

const COMMENT = /&lt;!--[\s\S]*?--&gt;/g;
const HARMLESS_TAG = /&lt;(\/?)(details|summary|b|i|em|strong|code|kbd|sub|sup|p|br|hr|del|ins|s|small)(\s+open)?\s*\/?&gt;/gi;

/** Takes each raw HTML block or span (escaped by micromark) and lets through only what GitHub would show. */
const githubLikeHtml: HtmlExtension = {
  enter: {
    htmlFlow(this: CompileContext) {
      this.lineEndingIfNeeded();
      this.buffer();
    },
    htmlText(this: CompileContext) {
      this.buffer();
    },
  },
  exit: { htmlFlow: showRawHtml, htmlText: showRawHtml },
};

function showRawHtml(this: CompileContext): undefined {
  const escaped = this.resume().replace(COMMENT, '');
  if (escaped.trim() === '') return undefined;
  this.raw(escaped.replace(HARMLESS_TAG, (_m, close: string, tag: string, open: string | undefined) => `<${close}${tag.toLowerCase()}${open && tag.toLowerCase() === 'details' && !close ? ' open' : ''}>`));
  return undefined;
}
