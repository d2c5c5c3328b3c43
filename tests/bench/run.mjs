// `npm run bench`: measures the engine in headless Chromium's WebGPU and prints ratios side by
// side (kernel vs the adapter's measured FMA peak; f16 vs f32 where the adapter has shader-f16).
// Writes tests/bench/results.json and RESULTS.md (with --size s: results-s.json, RESULTS-s.md).
//
//   npm run bench                # the tiny test model's shapes
//   npm run bench -- --size s    # zoetrope-s shapes (~1k tokens): minutes per forward on SwiftShader
//   npm run bench -- --clip      # whole clips with the shipped model, WASM and WebGPU (clip.mjs)
//
//   npm run bench -- --wan       # Wan 2.1 1.3B: one full-width block at 480p in Node + Dawn (tests/bench/wan/)
//
// Not part of `npm test`: speed targets are reported here, never asserted.
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'vite';
import { BASE_ARGS, findChromium, WEBGPU_ARG } from '../support/chromium.mjs';
import { measurePeers, peerTable } from './peers.mjs';

if (process.argv.includes('--clip')) {
  await import('./clip.mjs');
  process.exit(0);
}

if (process.argv.includes('--wan')) {
  const env = { ...process.env, ZOETROPE_WAN_SMOKE: process.argv.includes('--smoke') ? '1' : '0' };
  const run = spawnSync('npx', ['vitest', 'run', '-c', 'tests/bench/wan/vitest.config.ts', '--disable-console-intercept'], { stdio: 'inherit', env });
  process.exit(run.status ?? 1);
}

const size = process.argv.includes('--size') ? process.argv[process.argv.indexOf('--size') + 1] : 'tiny';
const configName = size === 's' ? 'zoetrope-s' : 'tiny-test';
const config = JSON.parse(readFileSync(`models/configs/${configName}.json`, 'utf8'));

// One DiT window: chunk.latent_frames latent frames at the 1:1 bucket, patch 1×2×2.
const [height, width] = config.latent.aspect_buckets['1:1'];
const tokens =
  config.chunk.latent_frames * (height / config.latent.spatial_factor / 2) * (width / config.latent.spatial_factor / 2);
const shapes = {
  tokens,
  dim: config.dit.dim,
  ffnDim: config.dit.ffn_dim,
  heads: config.dit.num_heads,
  headDim: config.dit.head_dim,
  textLen: config.dit.text_len,
};

const server = await createServer({ logLevel: 'error', server: { port: 5190, strictPort: false } });
await server.listen();
const url = server.resolvedUrls.local[0];
// Robustness checks and validation cost time on every dispatch; the bench measures kernels.
const browser = await chromium.launch({
  executablePath: findChromium(),
  args: [...BASE_ARGS, WEBGPU_ARG, '--enable-dawn-features=disable_robustness,skip_validation'],
});
try {
  const page = await browser.newPage();
  await page.goto(new URL('tests/gpu/harness.html', url).href);
  console.log(`Benchmark: ${configName} shapes (${tokens} tokens), headless Chromium`);
  const measured = await page.evaluate(
    async (s) => (await import('/tests/bench/kernels.ts')).measureModelKernels(s),
    shapes,
  );
  // At zoetrope-s size a DiT step takes minutes on SwiftShader: one timed run after the warm-up.
  const model = await page.evaluate(
    async ({ config, tiny }) => (await import('/tests/bench/model.ts')).measureModel(config, tiny, tiny ? 3 : 1),
    { config, tiny: configName === 'tiny-test' },
  );
  const peak = measured.results.find((r) => r.name === 'fma peak').gflops;
  const rows = measured.results.map((r) => ({ ...r, ofPeak: r.gflops / peak }));
  const table = [
    `Adapter: ${measured.adapter}; features: ${measured.features.join(', ') || 'none'}`,
    '',
    '| kernel | shape | precision | ms | GFLOP/s | share of measured peak |',
    '|---|---|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.shape} | ${r.precision} | ${r.ms.toFixed(3)} | ${r.gflops.toFixed(2)} | ${(100 * r.ofPeak).toFixed(1)}% |`),
  ].join('\n');
  const modelTable = [
    '| forward (ours, WGSL, f32) | parameters | tokens | ms |',
    '|---|---:|---:|---:|',
    ...model.map((m) => `| ${m.part} | ${m.parameters.toLocaleString('en')} | ${m.tokens} | ${m.ms.toFixed(1)} |`),
  ].join('\n');
  // Peers run the ONNX export of the same DiT (the tiny test model's graph) on the same adapter.
  const peers = configName === 'tiny-test' ? await measurePeers(page) : null;
  const oursDit = peers ? await page.evaluate(async () => (await import('/tests/support/model_page.ts')).timeDitGolden()) : null;
  const peersMd = peers ? peerTable(peers, oursDit) : '_Peers run at the tiny size only (the ONNX export exists for tiny-test)._';
  console.log(`\n${table}\n\n${modelTable}\n\n${peersMd}\n`);
  const stamp = new Date().toISOString();
  const suffix = size === 's' ? '-s' : '';
  writeFileSync(`tests/bench/results${suffix}.json`, JSON.stringify({ stamp, config: configName, shapes, ...measured, rows, model, peers, oursDit }, null, 2) + '\n');
  writeFileSync(
    `tests/bench/RESULTS${suffix}.md`,
    `# Benchmark results\n\nLast run ${stamp} with \`npm run bench${size === 's' ? ' -- --size s' : ''}\` (${configName} shapes, ${tokens} tokens).\n\n${table}\n\n${modelTable}\n\n${peersMd}\n`,
  );
} finally {
  await browser.close();
  await server.close();
}
