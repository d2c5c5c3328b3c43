// Who imports whom under src/: every relative import of every .ts, .svelte and .mjs file (a
// Svelte file's <script> blocks), read from its statements: static imports and re-exports
// (`import type` included) and side-effect imports, dynamic imports and JSDoc type imports in
// plain JavaScript (`@typedef {import('./x.mjs').T}`), and a worker loaded by URL (`new
// URL('./worker.ts', import.meta.url)`). Imports of packages and of files outside src/ (shaders,
// package.json, test support) are not edges of this graph.
//
// Patterns, not TypeScript's scanner: loading the compiler takes seconds and these agree with its
// preProcessFile on every relative import under src/ (checked when this was written).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** An import from one file under src/ to another, both as paths relative to src/ with '/' separators. */
export interface ImportEdge {
  from: string;
  to: string;
}

const SOURCE_FILE = /\.(ts|svelte|mjs)$/;
const SVELTE_SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/g;
const IMPORTS = [
  /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, // import … from '…', export … from '…', over several lines
  /^\s*import\s*['"]([^'"]+)['"]/gm, // import '…' (for its side effects)
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…'), in code or in a JSDoc type
  /\bnew URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g, // a worker's script
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return SOURCE_FILE.test(entry.name) ? [path] : [];
  });
}

/** The module specifiers one file names. */
function specifiers(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const code = path.endsWith('.svelte') ? [...text.matchAll(SVELTE_SCRIPT)].map((m) => m[1]).join('\n') : text;
  return [...new Set(IMPORTS.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1]!)))];
}

/** Every import between two files under `srcDir`; throws on a relative import that names no file. */
export function importGraph(srcDir: string): { files: string[]; edges: ImportEdge[] } {
  const name = (path: string) => relative(srcDir, path).split(sep).join('/');
  const paths = sourceFiles(srcDir);
  const edges = paths.flatMap((path) =>
    specifiers(path)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(path), specifier.replace(/\?.*$/, ''))) // drop Vite's ?raw
      .filter((target) => !relative(srcDir, target).startsWith('..'))
      .map((target) => {
        if (!existsSync(target)) throw new Error(`${name(path)} imports ${name(target)}, which does not exist`);
        return { from: name(path), to: name(target) };
      }),
  );
  return { files: paths.map(name).sort(), edges };
}
