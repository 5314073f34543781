import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { builtName, bundle, SCRIPTS } from '../../src/embed/page-bundle.js';

/**
 * The built server, as `npm run build` lays it out (`dist/src/main.js`, `dist/db/…`), for
 * tests about the process itself: what `node dist/src/main.js` and `npm start` do.
 *
 * Built with TypeScript's own transpiler, file by file (no type check: `npm test` runs
 * `tsc --noEmit` first), into `test-artifacts/e2e-build/<hash of the sources>/`, so a run
 * pays for it once (about a second) and later runs reuse it until a source changes. The
 * folder sits inside the repository so that the build finds `node_modules` the way `dist/`
 * does, and holds a copy of package.json so that `npm start` can run there.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const SOURCES = ['src', 'db'];

export interface Build {
  /** The folder to run `npm start` in: package.json and dist/. */
  dir: string;
  /** Absolute path of dist/src/main.js. */
  main: string;
  /** Absolute path of dist/src/migrate.js. */
  migrate: string;
}

let built: Build | undefined;

export function buildServer(): Build {
  if (built) return built;
  const files = SOURCES.flatMap((d) => listTs(join(ROOT, d))).sort();
  const hash = createHash('sha256');
  for (const f of [...files, join(ROOT, 'package.json'), join(ROOT, 'tsconfig.json')]) {
    hash.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  const dir = join(ROOT, 'test-artifacts', 'e2e-build', hash.digest('hex').slice(0, 16));
  if (!existsSync(join(dir, 'package.json'))) {
    // Written aside and renamed into place: jest workers building at once never see half a build.
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    for (const file of files) {
      const out = join(tmp, 'dist', relative(ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(out), { recursive: true });
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        fileName: file,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ES2022,
          verbatimModuleSyntax: true,
          inlineSourceMap: true,
          inlineSources: true,
        },
      });
      writeFileSync(out, outputText);
    }
    writeFileSync(join(tmp, 'package.json'), readFileSync(join(ROOT, 'package.json')));
    // As `npm run build` does: the countdown page's and the board's scripts, bundled next to the modules.
    for (const name of SCRIPTS) writeFileSync(join(tmp, 'dist', 'src', 'embed', builtName(name)), bundle(join(ROOT, 'src', 'embed', `${name}.ts`)));
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another worker got there first
    }
    pruneOldBuilds(dirname(dir), dir);
  }
  built = { dir, main: join(dir, 'dist', 'src', 'main.js'), migrate: join(dir, 'dist', 'src', 'migrate.js') };
  return built;
}

/** Builds of other sources made over an hour ago: no test run lasts that long, so none is in use. */
function pruneOldBuilds(parent: string, current: string): void {
  for (const name of readdirSync(parent)) {
    const p = join(parent, name);
    if (p !== current && Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
  }
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}
