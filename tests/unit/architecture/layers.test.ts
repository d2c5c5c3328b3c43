// The import arrows under src/ point one way: down the floors below, with no cycle anywhere.
//
// A file may import files of its own area (the folder under src/ it is in, or itself for a file at
// the top of src/) and of any area on a lower floor. Not upwards, and not sideways: the areas of
// one floor know nothing of each other. A type that two floors share lives on the lower one (or
// below both), and the upper one re-exports it where its own users expect it (worker/api.ts).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cyclePath, importCycles } from './import_cycles.ts';
import { importGraph, type ImportEdge } from './import_graph.ts';

/** Top to bottom; each floor's areas. */
const FLOORS: readonly (readonly string[])[] = [
  ['main.ts', 'sw.ts', 'vite-env.d.ts'], // the page's and the service worker's entry points
  ['app', 'cli'], // the UI, and the command line that drives it in a headless browser
  ['worker'], // the Engine: its API, the jobs, the checks every request passes
  ['sampler', 'store'], // making a clip window by window; the model and history stores
  ['video'], // WebCodecs, MP4 reading and writing, provenance metadata
  // Below video: provenance writes the prompt as model/prompt_text.mjs reads it, and that file stays
  // beside the tokenizer (the PyTorch twin test compiles tokenizer.ts with its .mjs imports alone).
  ['model'], // tokenizer, text encoder, DiT, VAE, and their ONNX twins
  ['gpu'], // WebGPU device, buffers, kernels
  ['errors'], // the typed errors every floor throws and the page receives
];

const src = fileURLToPath(new URL('../../../src', import.meta.url));
const graph = importGraph(src);

function areaOf(file: string): string {
  return file.split('/')[0]!;
}

function floorOf(file: string): number {
  return FLOORS.findIndex((areas) => areas.includes(areaOf(file)));
}

function allowed({ from, to }: ImportEdge): boolean {
  return areaOf(from) === areaOf(to) || floorOf(to) > floorOf(from);
}

describe('src/ import layers', () => {
  it('every file is on a floor', () => {
    const placed = graph.files.filter((file) => floorOf(file) >= 0);
    expect(graph.files.filter((file) => !placed.includes(file)), 'add the new area to FLOORS').toEqual([]);
  });

  it('imports only its own area and the floors below', () => {
    const wrong = graph.edges.filter((edge) => !allowed(edge));
    const named = wrong.map(({ from, to }) => `${from} → ${to} (${areaOf(from)} may not import ${areaOf(to)})`);
    expect(named, 'upward or sideways imports').toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles = importCycles(graph.edges).map(
      (component) => `${component.length} files (${component.join(', ')}), e.g. ${cyclePath(component, graph.edges).join(' → ')}`,
    );
    expect(cycles, 'import cycles: the files of each, and one chain of imports through it').toEqual([]);
  });
});
