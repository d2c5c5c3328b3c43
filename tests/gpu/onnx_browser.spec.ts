// The tiny model's ONNX graphs in onnxruntime-web inside headless Chromium, weights given as ONNX
// external data (the shipped safetensors bytes), against the PyTorch goldens:
// - the DiT and text encoder on the WASM EP (the CPU path of DESIGN.md);
// - the VAE decoder and encoder on the WebGPU EP (SwiftShader here): the check that the VAE
//   export's opset and ops are ones ORT-web's WebGPU EP runs.
// See tests/support/ort_page.ts for the two ORT builds ('all' = JSEP WebGPU EP, 'webgpu' = native).
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { SafetensorsFile } from '../../src/model/weights.ts';
import { expectClose } from '../support/compare.ts';
import { HARNESS } from '../support/gpu_page.ts';
import type { Build, Ep, Graph, GraphRun } from '../support/ort_page.ts';

type OrtPage = typeof import('../support/ort_page.ts');

const goldens = (file: string) => SafetensorsFile.parse(new Uint8Array(readFileSync(`tests/fixtures/goldens/${file}`)));
const EXPECTED: Record<Graph, () => Float32Array> = {
  dit: () => goldens('dit.safetensors').f32('output'),
  text_encoder: () => goldens('text_encoder.safetensors').f32('output'),
  vae_decoder: () => goldens('vae.safetensors').f32('decoder.output'),
  vae_encoder: () => goldens('vae.safetensors').f32('encoder.output'),
};

// f32 graphs over the f16-rounded weights against PyTorch f32 on the same weights (as the Node
// test of these graphs); measured max |diff| is ≈1e-6 on both EPs.
const TOLERANCE = { atol: 1e-4, rtol: 1e-4 };

/**
 * Runs graphs in the page. Vite may discover onnxruntime-web as a new dependency on the first
 * import and reload the page to re-bundle (tell-tale: "Execution context was destroyed");
 * then the page is loaded again and the run retried once.
 */
async function runInPage(page: Page, runs: [Graph, Ep][], build: Build): Promise<{ adapter: string; runs: GraphRun[] }> {
  const attempt = async () => {
    await page.goto(HARNESS);
    return page.evaluate(
      async ({ runs, build }) => {
        const m = (await import('/tests/support/ort_page.ts' as string)) as OrtPage;
        const out: GraphRun[] = [];
        for (const [graph, ep] of runs) out.push(await m.runGraph(graph, ep, build));
        return { adapter: await m.adapterName(), runs: out };
      },
      { runs, build },
    );
  };
  try {
    return await attempt();
  } catch (error) {
    if (!/Execution context was destroyed/.test(String(error))) throw error;
    return attempt();
  }
}

test('DiT and text encoder on the WASM EP match the PyTorch goldens', async ({ page }) => {
  const { runs } = await runInPage(page, [['dit', 'wasm'], ['text_encoder', 'wasm']], 'all');
  const [dit, text] = runs as [GraphRun, GraphRun];
  expect(dit.dims).toEqual([1, 4, 2, 4, 6]);
  expectClose(dit.data, EXPECTED.dit(), TOLERANCE, 'DiT velocity (WASM EP)');
  expect(text.dims).toEqual([1, 16, 128]);
  expectClose(text.data, EXPECTED.text_encoder(), TOLERANCE, 'text tokens (WASM EP)');
});

test('VAE decoder and encoder on the WebGPU EP match the PyTorch goldens', async ({ page }) => {
  const { adapter, runs } = await runInPage(page, [['vae_decoder', 'webgpu'], ['vae_encoder', 'webgpu']], 'all');
  test.info().annotations.push({ type: 'adapter', description: adapter });
  const [decoder, encoder] = runs as [GraphRun, GraphRun];
  expect(decoder.dims).toEqual([1, 3, 16, 24]);
  expectClose(decoder.data, EXPECTED.vae_decoder(), TOLERANCE, 'VAE decoder frames (WebGPU EP)');
  expect(encoder.dims).toEqual([1, 4, 2, 3]);
  expectClose(encoder.data, EXPECTED.vae_encoder(), TOLERANCE, 'VAE encoder latents (WebGPU EP)');
  for (const run of [decoder, encoder]) {
    const nodes = run.nodesPerEp;
    test.info().annotations.push({ type: 'placement', description: JSON.stringify(nodes) });
    // The convolutions, norms, resizes and the pixel shuffle run on the WebGPU EP (JSEP names itself
    // JsExecutionProvider): over 90 % of the nodes. At most 9 stay on the CPU: the Cast(double→float)
    // of F.normalize's eps constant, one per norm, which ORT places on the CPU on purpose
    // (constant-only; WebGPU has no f64).
    const onGpu = nodes.JsExecutionProvider ?? 0;
    const onCpu = nodes.CPUExecutionProvider ?? 0;
    expect(onGpu).toBeGreaterThan(0.9 * (onGpu + onCpu));
    expect(onCpu).toBeLessThanOrEqual(9);
  }
});

// The native C++ WebGPU EP (`onnxruntime-web/webgpu` in 1.30) has no Cast from DOUBLE on any EP,
// so the export turns the twin's float64 constants and casts into float32
// (models/train/onnx_export.py, double_to_float). Both VAE graphs must run there too.
test('VAE decoder and encoder on the native WebGPU EP build match the PyTorch goldens', async ({ page }) => {
  const result = await runInPage(page, [['vae_decoder', 'webgpu'], ['vae_encoder', 'webgpu']], 'webgpu');
  expectClose(result.runs[0]!.data, EXPECTED.vae_decoder(), TOLERANCE, 'VAE decoder frames (native WebGPU EP)');
  expectClose(result.runs[1]!.data, EXPECTED.vae_encoder(), TOLERANCE, 'VAE encoder latents (native WebGPU EP)');
});
