// @ts-check
// Benchmark peers for `npm run bench`, driven from Node with the bench's Playwright page:
// onnxruntime-web running the ONNX export of the same tiny DiT (tests/bench/ort_peer.ts runs in the page).
// ORT loads one build per page, so each build gets its own page in the bench's browser context:
// 'all' (WASM EP + JSEP WebGPU EP) and 'webgpu' (native WebGPU EP; 1.30 cannot load the DiT there,
// which is reported as such, not hidden).

/**
 * @typedef {{ peer: string, build: string, ep: string, ms?: number, samples?: number[],
 *   maxAbsDiff?: number, nodesPerEp?: Record<string, number>, error?: string }} PeerResult
 * @typedef {{ ortVersion: string, adapter: string, crossOriginIsolated: boolean, wasmThreads: number,
 *   results: PeerResult[] }} PeerRun
 */

/**
 * Runs the ORT peers of one DiT forward (tiny-test graph, golden inputs).
 * @param {import('playwright-core').Page} page a page of the bench, already on the dev server
 * @param {{ runs?: number, warmup?: number, numThreads?: number }} [options]
 * @returns {Promise<PeerRun & { runs: PeerRun[] }>}
 */
export async function measurePeers(page, { runs = 5, warmup = 2, numThreads = 0 } = {}) {
  const harness = new URL('/tests/gpu/harness.html', page.url()).href;
  /** @type {PeerRun[]} */
  const all = [];
  for (const [build, eps] of /** @type {const} */ ([['all', ['wasm', 'webgpu']], ['webgpu', ['webgpu']]])) {
    // A page of its own (browser.newPage opens a fresh context; a page from browser.newPage()
    // cannot open siblings in its own context).
    const browser = page.context().browser();
    const peerPage = browser ? await browser.newPage() : await page.context().newPage();
    try {
      await peerPage.goto(harness);
      all.push(
        await peerPage.evaluate(
          // @ts-ignore: a path the dev server serves, resolved in the page
          async (o) => (await import('/tests/bench/ort_peer.ts')).measureOrtDit(o),
          { build, eps: [...eps], runs, warmup, numThreads },
        ),
      );
    } finally {
      await peerPage.close();
    }
  }
  // The first page's environment (same browser, adapter and ORT version) heads the merged results.
  return { .../** @type {PeerRun} */ (all[0]), results: all.flatMap((r) => r.results), runs: all };
}

/**
 * The peer table, side by side with our engine's DiT forward on the same inputs.
 * "ours ×" is how many times faster ours is (peer ms ÷ our ms; > 1 means ours is faster).
 * @param {PeerRun} peers
 * @param {{ ms: number, maxAbsDiff?: number, label?: string } | undefined} ours
 * @returns {string} markdown
 */
export function peerTable(peers, ours) {
  const fmt = (/** @type {number | undefined} */ x, digits = 2) => (x === undefined ? '—' : x.toFixed(digits));
  const rows = peers.results.map((r) =>
    r.error
      ? `| ${r.peer} | did not run | — | — | ${r.error.replace(/\|/g, '\\|')} |`
      : `| ${r.peer} | ${fmt(r.ms)} | ${ours && r.ms ? `${(r.ms / ours.ms).toFixed(2)}×` : '—'} | ${r.maxAbsDiff?.toExponential(1)} | ${Object.entries(r.nodesPerEp ?? {}).map(([ep, n]) => `${ep.replace('ExecutionProvider', '')} ${n}`).join(', ')} |`,
  );
  return [
    `DiT forward peers: onnxruntime-web ${peers.ortVersion}, WASM EP with ${peers.wasmThreads || 'ORT default'} thread(s) (crossOriginIsolated: ${peers.crossOriginIsolated}); WebGPU adapter: ${peers.adapter}`,
    '',
    '| engine | ms (median) | ours × faster | max \\|diff\\| vs golden | nodes per EP |',
    '|---|---:|---:|---:|---|',
    ...(ours ? [`| ${ours.label ?? 'Zoetrope (ours)'} | ${fmt(ours.ms)} | 1.00× | ${ours.maxAbsDiff?.toExponential(1) ?? '—'} | all WebGPU |`] : []),
    ...rows,
  ].join('\n');
}
