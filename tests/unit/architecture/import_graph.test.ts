// The layer test is only as good as the graph it reads: every form of import must be an edge.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cyclePath, importCycles } from './import_cycles.ts';
import { importGraph } from './import_graph.ts';

const src = mkdtempSync(join(tmpdir(), 'zoetrope-import-graph-'));
afterAll(() => rmSync(src, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(dirname(join(src, path)), { recursive: true });
  writeFileSync(join(src, path), text);
}

describe('importGraph', () => {
  it('reads every form of import, and nothing in prose or outside src/', () => {
    for (const target of ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.mjs', 'f.ts', 'g.ts', 'h.ts', 'i.ts']) write(`lib/${target}`, '');
    write('app/x.ts', [
      "import type { A } from '../lib/a.ts';",
      "import {\n  b,\n  type B,\n} from '../lib/b.ts';",
      "export * from '../lib/c.ts';",
      "import '../lib/d.ts';",
      "/** @typedef {import('../lib/e.mjs').E} E */",
      "const f = await import('../lib/f.ts');",
      "const worker = new Worker(new URL('../lib/g.ts', import.meta.url));",
      "import shader from '../lib/h.ts?raw';",
      "// a comment says the frames come from '../lib/i.ts'",
      "import { version } from '../../package.json';",
      "import { mount } from 'svelte';",
    ].join('\n'));
    write('app/View.svelte', "<script lang=\"ts\">\n  import { a } from '../lib/a.ts';\n</script>\n<p>import from '../lib/i.ts'</p>\n");
    const targets = (from: string) => importGraph(src).edges.filter((e) => e.from === from).map((e) => e.to).sort();
    expect(targets('app/x.ts')).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.mjs', 'f.ts', 'g.ts', 'h.ts'].map((f) => `lib/${f}`));
    expect(targets('app/View.svelte')).toEqual(['lib/a.ts']);
  });
});

describe('importCycles', () => {
  it('finds each cycle once, with a chain of imports through it, and no cycle where there is none', () => {
    const edges = [
      { from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'd' },
      { from: 'e', to: 'e' }, { from: 'f', to: 'a' },
    ];
    const cycles = importCycles(edges);
    expect(cycles).toEqual(expect.arrayContaining([['a', 'b', 'c'], ['e']]));
    expect(cycles).toHaveLength(2);
    expect(cyclePath(['a', 'b', 'c'], edges)).toEqual(['a', 'b', 'c', 'a']);
    expect(cyclePath(['e'], edges)).toEqual(['e', 'e']);
  });
});
