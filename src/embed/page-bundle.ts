import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The countdown page's script (page-script.ts and what it imports), bundled into one inline
 * script by esbuild (a build tool, a devDependency): minified, no imports left, no foreign
 * request. `npm run build` writes it next to the compiled modules (see `main` below);
 * running from TypeScript (tests, `npm run dev`), it is bundled on first use instead.
 */
const BUILT = new URL('./page-script.bundle.js', import.meta.url);
/** The source, from a build in dist/src/embed/ of the checkout. */
export const SOURCE = new URL('../../../src/embed/page-script.ts', import.meta.url);
const HERE = new URL('./page-script.ts', import.meta.url);

/** The page's script, bundled from its TypeScript source (`entry`). */
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

let cached: string | undefined;

/** The exact text between <script> and </script>. */
export function pageScript(): string {
  if (cached === undefined) {
    if (existsSync(BUILT)) cached = readFileSync(BUILT, 'utf8');
    else cached = bundle(fileURLToPath(existsSync(HERE) ? HERE : SOURCE));
  }
  return cached;
}

/** CSP source for the inline script, quotes included, ready for `script-src`: `'sha256-…'`. */
export function pageScriptHash(): string {
  return `'sha256-${createHash('sha256').update(pageScript(), 'utf8').digest('base64')}'`;
}

/** The Content-Security-Policy the page is served with: only its own script, no foreign request, any frame. */
export function pageCsp(): string {
  return (
    `default-src 'none'; style-src 'unsafe-inline'; script-src ${pageScriptHash()}; connect-src 'self'; ` +
    `img-src data:; frame-ancestors *; base-uri 'none'; form-action 'none'`
  );
}

// `node dist/src/embed/page-bundle.js --write` (npm run build): bundle from the sources, once.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(BUILT, bundle(fileURLToPath(SOURCE)));
}
