// ONNX external-data references checked against the weight files before ONNX Runtime sees them:
// the tiny model's real graphs pass; an offset past the end of the safetensors is refused with a
// message that names the tensor (ORT itself would say only that the session failed); and the
// reader is fuzzed over byte mutations of the graphs and over rewritten offsets and lengths.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkExternalData, externalDataRefs, OnnxGraphError } from '../../../src/model/onnx_external_data.ts';
import { createShardedWasmSession } from '../../../src/model/ort_wasm.ts';
import { applyMutations, boundedParse, byteMutations, FUZZ_BUDGET_MS, FUZZ_TEST_TIMEOUT_MS, fuzzSettings } from '../support/fuzz.ts';

const TINY = 'models/tiny-test/';
const read = (file: string) => new Uint8Array(readFileSync(TINY + file));

const graphs = {
  'dit.onnx': { graph: read('dit.onnx'), weights: [{ path: 'dit.safetensors', bytes: read('dit.safetensors') }] },
  'text_encoder.onnx': { graph: read('text_encoder.onnx'), weights: [{ path: 'text_encoder.safetensors', bytes: read('text_encoder.safetensors') }] },
  'vae_decoder.onnx': { graph: read('vae_decoder.onnx'), weights: [{ path: 'vae.safetensors', bytes: read('vae.safetensors') }] },
  'vae_encoder.onnx': { graph: read('vae_encoder.onnx'), weights: [{ path: 'vae.safetensors', bytes: read('vae.safetensors') }] },
};

/**
 * Where each external-data value (the digits after an "offset", "length" or "location" key)
 * lies in the graph: protobuf [0a 06 'offset'][12 len][digits].
 */
function valueSpans(graph: Uint8Array): { key: string; start: number; end: number }[] {
  const spans: { key: string; start: number; end: number }[] = [];
  const text = Buffer.from(graph).toString('latin1');
  for (const key of ['offset', 'length', 'location']) {
    for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
      if (graph[at + key.length] !== 0x12) continue;
      const length = graph[at + key.length + 1]!;
      spans.push({ key, start: at + key.length + 2, end: at + key.length + 2 + length });
    }
  }
  return spans;
}

const isClear = (error: unknown) => error instanceof OnnxGraphError;

describe('ONNX external data', () => {
  it.each(Object.keys(graphs))('every reference of the tiny model\'s %s lies inside its weights', (name) => {
    const { graph, weights } = graphs[name as keyof typeof graphs];
    expect(externalDataRefs(graph).length).toBeGreaterThan(0);
    expect(() => checkExternalData(graph, weights, name)).not.toThrow();
  });

  it('an offset past the end of the weights is refused, naming the tensor, before ORT reads anything', async () => {
    const { graph: seed, weights } = graphs['dit.onnx'];
    const graph = new Uint8Array(seed);
    // The offset with the most digits, all made 9s: past the end, and the same length, so the protobuf stays whole.
    const span = valueSpans(graph).filter((s) => s.key === 'offset').sort((a, b) => b.end - b.start - (a.end - a.start))[0]!;
    graph.fill('9'.charCodeAt(0), span.start, span.end);
    await expect(createShardedWasmSession(graph, weights, 'dit.onnx')).rejects.toThrow(OnnxGraphError);
    await expect(createShardedWasmSession(graph, weights, 'dit.onnx')).rejects.toThrow(/^dit\.onnx: tensor \S+ reads bytes 9+–\d+ of dit\.safetensors, which has only 1181640$/);
  });

  it('a reference to a file the model does not have, and a length its shape does not need, are refused', () => {
    const { graph: seed, weights } = graphs['vae_decoder.onnx'];
    const renamed = new Uint8Array(seed);
    const location = valueSpans(renamed).find((s) => s.key === 'location')!;
    renamed[location.start] = 'x'.charCodeAt(0);
    expect(() => checkExternalData(renamed, weights, 'vae_decoder.onnx')).toThrow(/which the model does not have/);
    const shorter = new Uint8Array(seed);
    const length = valueSpans(shorter).find((s) => s.key === 'length' && s.end - s.start >= 2)!;
    shorter[length.end - 1] = shorter[length.end - 1] === 0x30 ? 0x31 : 0x30;
    expect(() => checkExternalData(shorter, weights, 'vae_decoder.onnx')).toThrow(/but its shape needs/);
  });

  it.each(Object.keys(graphs))('fuzzed %s: accepted only when every reference fits, else an OnnxGraphError, quickly', (name) => {
    const { graph: seed, weights } = graphs[name as keyof typeof graphs];
    const spans = valueSpans(seed);
    // Byte mutations aimed at the values and at the protobuf lengths just before them.
    const structures = spans.map(({ start }) => [start - 8, start - 2, start - 1, start]);
    // And values rewritten digit for digit: offsets and lengths anywhere from 0 to past the end.
    const digits = fc.tuple(fc.nat({ max: spans.length - 1 }), fc.array(fc.constantFrom(...'0123456789'), { minLength: 12, maxLength: 12 }));
    fc.assert(
      fc.property(byteMutations(seed, structures), fc.option(digits), (mutations, rewrite) => {
        const graph = applyMutations(seed, mutations);
        if (rewrite && graph.length === seed.length) {
          const span = spans[rewrite[0]]!;
          if (span.end <= graph.length) rewrite[1].slice(0, span.end - span.start).forEach((d, i) => (graph[span.start + i] = d.charCodeAt(0)));
        }
        const outcome = boundedParse(() => checkExternalData(graph, weights, name), isClear, graph.length);
        if (outcome.ok) {
          for (const ref of externalDataRefs(graph)) {
            const size = weights.find((w) => w.path === ref.location)!.bytes.length;
            expect(ref.offset + (ref.length ?? 0)).toBeLessThanOrEqual(size);
          }
        }
      }),
      fuzzSettings(FUZZ_BUDGET_MS / 4),
    );
  }, FUZZ_TEST_TIMEOUT_MS);
});
