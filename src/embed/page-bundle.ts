import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The scripts of the countdown page (page-script.ts) and of the board (board-script.ts),
 * each with what it imports, bundled into one inline script by esbuild (a build tool, a
 * devDependency): minified, no imports left, no foreign request. `npm run build` writes them
 * next to the compiled modules (see `main` below); running from TypeScript (tests, `npm run
 * dev`), each is bundled on first use instead.
 */
type Script = 'page-script' | 'board-script';
export const SCRIPTS: readonly Script[] = ['page-script', 'board-script'];

/** What `npm run build` writes beside the compiled modules, for each script. */
export const builtName = (name: Script) => `${name}.bundle.js`;
/** The source, from a build in dist/src/embed/ of the checkout. */
const source = (name: Script) => new URL(`../../../src/embed/${name}.ts`, import.meta.url);
export const SOURCE = source('page-script');
const here = (name: Script) => new URL(`./${name}.ts`, import.meta.url);

/** A script, bundled from its TypeScript source (`entry`). */
export function bundle(entry: string): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const out = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    write: false,
    legalComments: 'none',
  });
  return out.outputFiles[0]!.text.trim();
}

const cached = new Map<Script, string>();

function script(name: Script): string {
  let text = cached.get(name);
  if (text === undefined) {
    const built = new URL(`./${builtName(name)}`, import.meta.url);
    if (existsSync(built)) text = readFileSync(built, 'utf8');
    else text = bundle(fileURLToPath(existsSync(here(name)) ? here(name) : source(name)));
    cached.set(name, text);
  }
  return text;
}

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The exact text between <script> and </script> of the countdown page. */
export function pageScript(): string {
  return script('page-script');
}

/** The exact text between <script> and </script> of the board. */
export function boardScript(): string {
  return script('board-script');
}

/** CSP source for the page's inline script, quotes included, ready for `script-src`: `'sha256-…'`. */
export function pageScriptHash(): string {
  return hash(pageScript());
}

/** The policy of a page with one inline script: only that script, no foreign request, any frame. */
function csp(scriptHash: string): string {
  return (
    `default-src 'none'; style-src 'unsafe-inline'; script-src ${scriptHash}; connect-src 'self'; ` +
    `img-src data:; frame-ancestors *; base-uri 'none'; form-action 'none'`
  );
}

/** The Content-Security-Policy the countdown page is served with. */
export function pageCsp(): string {
  return csp(pageScriptHash());
}

/** The Content-Security-Policy the board is served with. */
export function boardCsp(): string {
  return csp(hash(boardScript()));
}

// `node dist/src/embed/page-bundle.js --write` (npm run build): bundle from the sources, once each.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  for (const name of SCRIPTS) writeFileSync(new URL(`./${builtName(name)}`, import.meta.url), bundle(fileURLToPath(source(name))));
}
