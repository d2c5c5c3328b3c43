// Benchmark peer that runs in the page: one forward of the tiny DiT's ONNX export in
// onnxruntime-web, on its WASM EP and its WebGPU EP, on the PyTorch goldens' inputs (the inputs
// our engine's DiT forward is measured on), with its output compared to the golden.
// tests/bench/peers.mjs drives it from Node.
import { adapterName, createSession, goldenFeeds, goldenOutput, GRAPHS, loadOrt, maxAbsDiff, nodesPerEp, type Build, type Ep } from '../support/ort_page.ts';

export interface PeerResult {
  peer: string;
  build: Build;
  ep: Ep;
  /** Median ms of one session.run (inputs from and outputs to CPU memory, as a caller gets them). */
  ms?: number;
  /** Every timed run, ms. */
  samples?: number[];
  /** Max |output − PyTorch golden| of the last run. */
  maxAbsDiff?: number;
  /** Nodes per EP as ORT placed them (ORT runs what an EP lacks on its CPU EP). */
  nodesPerEp?: Record<string, number>;
  /** Why this peer did not run, in ORT's words. */
  error?: string;
}

export interface PeerRun {
  ortVersion: string;
  adapter: string;
  crossOriginIsolated: boolean;
  wasmThreads: number;
  results: PeerResult[];
}

const PEER_NAME: Record<Build, Record<Ep, string>> = {
  all: { wasm: 'ORT-web WASM EP', webgpu: 'ORT-web WebGPU EP (JSEP)' },
  webgpu: { wasm: 'ORT-web WASM EP (webgpu build)', webgpu: 'ORT-web WebGPU EP (native)' },
};

/** ORT's message without its wrapper and build path: "… ERROR_MESSAGE: /…/x.cc:254 … was false. Why." → "Why.". */
function ortError(error: unknown): string {
  const message = String(error instanceof Error ? error.message : error).split('\n')[0]!;
  return message.replace(/^.*ERROR_MESSAGE: /, '').replace(/^\S+\.cc:\d+ .*? was false\. /, '').slice(0, 300);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Times one DiT forward per EP: session created (not timed), `warmup` runs (shader compilation,
 * allocator growth), then the median of `runs` runs. An EP that cannot create the session or run
 * is reported with its error, not dropped. One ORT build per page (see loadOrt).
 */
export async function measureOrtDit({
  build = 'all' as Build,
  eps = ['wasm', 'webgpu'] as Ep[],
  warmup = 2,
  runs = 5,
  minMs = 500,
  numThreads = 0,
} = {}): Promise<PeerRun> {
  const ort = await loadOrt(build, { numThreads });
  const expected = await goldenOutput('dit');
  const results: PeerResult[] = [];
  for (const ep of eps) {
    const peer = PEER_NAME[build][ep];
    try {
      const { session, placement } = await createSession(ort, 'dit', ep);
      try {
        const feeds = await goldenFeeds(ort, 'dit');
        const forward = async () => (await session.run(feeds))[GRAPHS.dit.output]!.data as Float32Array;
        for (let i = 0; i < warmup; i++) await forward();
        const samples: number[] = [];
        let output: Float32Array = new Float32Array();
        // At least `runs` runs, more (up to 200) until they add up to minMs: a forward of a few ms
        // on the WASM EP is otherwise timer and GC noise.
        for (let i = 0, total = 0; i < runs || (total < minMs && i < 200); i++) {
          const start = performance.now();
          output = await forward();
          samples.push(performance.now() - start);
          total += samples[i]!;
        }
        results.push({ peer, build, ep, ms: median(samples), samples, maxAbsDiff: maxAbsDiff(output, expected), nodesPerEp: nodesPerEp(placement) });
      } finally {
        await session.release();
      }
    } catch (error) {
      results.push({ peer, build, ep, error: ortError(error) });
    }
  }
  return {
    ortVersion: ort.env.versions.web ?? 'unknown',
    adapter: await adapterName(),
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    wasmThreads: ort.env.wasm.numThreads ?? 0,
    results,
  };
}
