// Runs the tiny test model's ONNX graphs with onnxruntime-web inside the browser page (imported
// there from the Vite dev server, like model_page.ts), on the PyTorch goldens' inputs, with the
// weights given as ONNX external data: the shipped safetensors bytes, no second copy.
//
// onnxruntime-web 1.30 ships two browser builds with a WebGPU EP (both also carry the WASM EP):
// - 'all'    → `onnxruntime-web/all` = dist/ort.all.bundle.min.mjs + ort-wasm-simd-threaded.jsep.wasm:
//              the JSEP WebGPU EP (kernels in JS/WGSL; logs as JsExecutionProvider). Runs every tiny graph.
// - 'webgpu' → `onnxruntime-web/webgpu` = dist/ort.webgpu.bundle.min.mjs + ...asyncify.wasm: the native
//              C++ WebGPU EP (logs as WebGpuExecutionProvider). Its CPU EP has no Cast kernel for DOUBLE,
//              and the torch export leaves Cast(double) nodes in the DiT and VAE graphs (see the spec).
// Vite pre-bundles these into node_modules/.vite, so ORT's `import.meta.url` no longer points at its
// .wasm files: wasmPaths points it at the package's dist folder as the dev server serves it.
import type * as Ort from 'onnxruntime-web';
import { SafetensorsFile } from '../../src/model/weights.ts';

export type OrtModule = typeof Ort;
export type Build = 'all' | 'webgpu';
export type Ep = 'wasm' | 'webgpu';
export type Graph = 'dit' | 'text_encoder' | 'vae_decoder' | 'vae_encoder';

const TINY = '/models/tiny-test/';
const GOLDENS = '/tests/fixtures/goldens/';
const WASM_DIST = '/node_modules/onnxruntime-web/dist/';

/** Which safetensors holds each graph's weights (and its golden file, same name), and the output names. */
export const GRAPHS: Record<Graph, { weights: string; output: string; expected: string }> = {
  dit: { weights: 'dit.safetensors', output: 'velocity', expected: 'output' },
  text_encoder: { weights: 'text_encoder.safetensors', output: 'tokens', expected: 'output' },
  vae_decoder: { weights: 'vae.safetensors', output: 'frames', expected: 'decoder.output' },
  vae_encoder: { weights: 'vae.safetensors', output: 'latents', expected: 'encoder.output' },
};

// ORT's WASM module binds console.log/console.error once, when it is instantiated, so the
// verbose session log (which EP got which nodes) can only be caught by wrapping the console
// before that. While `logSink` is set, lines go there instead of the page console.
let logSink: string[] | undefined;
for (const level of ['log', 'info', 'warn', 'error'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => (logSink ? logSink.push(args.map(String).join(' ')) : original(...args));
}

let loaded: { build: Build; ort: OrtModule } | undefined;

/**
 * Loads one ORT build and sets its environment (once per page: the WASM module is instantiated
 * with the first session and keeps its thread count). One thread by default, as tests share 2
 * cores; 0 lets ORT choose (half the cores, at most 4; threads need crossOriginIsolated).
 */
export async function loadOrt(build: Build = 'all', { numThreads = 1 } = {}): Promise<OrtModule> {
  if (loaded) {
    if (loaded.build !== build) throw new Error(`this page already loaded onnxruntime-web build '${loaded.build}'`);
    return loaded.ort;
  }
  // Literal specifiers, so that Vite resolves and pre-bundles each.
  const ort = (build === 'all' ? await import('onnxruntime-web/all') : await import('onnxruntime-web/webgpu')) as OrtModule;
  ort.env.wasm.wasmPaths = WASM_DIST;
  ort.env.wasm.numThreads = numThreads;
  loaded = { build, ort };
  return ort;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const goldenCache = new Map<string, Promise<SafetensorsFile>>();
function golden(graph: Graph): Promise<SafetensorsFile> {
  const file = GRAPHS[graph].weights;
  if (!goldenCache.has(file)) goldenCache.set(file, fetchBytes(GOLDENS + file).then((b) => SafetensorsFile.parse(b, 'goldens')));
  return goldenCache.get(file)!;
}

/** The golden inputs of a graph as ORT tensors, with the batch dimension (1) the graphs take. */
export async function goldenFeeds(ort: OrtModule, graph: Graph): Promise<Record<string, Ort.Tensor>> {
  const g = await golden(graph);
  const f32 = (name: string, dims = [1, ...g.info(name).shape]) => new ort.Tensor('float32', g.f32(name), dims);
  const i64 = (name: string) => new ort.Tensor('int64', BigInt64Array.from(g.f32(name), (v) => BigInt(v)), [1, ...g.info(name).shape]);
  switch (graph) {
    case 'dit':
      return { x: f32('input.x'), clean: f32('input.clean'), mask: f32('input.mask'), t: f32('input.t', [1]), context: f32('input.context') };
    case 'text_encoder':
      return { ids: i64('input.ids'), mask: i64('input.mask') };
    case 'vae_decoder':
      return { latents: f32('input.latents') };
    case 'vae_encoder':
      // The encoder's golden input is the decoder's golden output (export_goldens.py).
      return { frames: f32('decoder.output') };
  }
}

/** The PyTorch golden output of a graph (batch dimension dropped). */
export async function goldenOutput(graph: Graph): Promise<Float32Array> {
  return (await golden(graph)).f32(GRAPHS[graph].expected);
}

export interface Session {
  session: Ort.InferenceSession;
  /** ORT's verbose lines on node placement: "Node(s) placed on [X]. Number of nodes: N", fallbacks. */
  placement: string[];
}

/**
 * A session for one tiny-test graph on one EP, created with verbose logging so that the node
 * placement is known: ORT-web silently runs ops its WebGPU EP lacks on the CPU EP, and that log
 * is the only place it says so.
 */
export async function createSession(ort: OrtModule, graph: Graph, ep: Ep): Promise<Session> {
  const { weights } = GRAPHS[graph];
  const [model, data] = await Promise.all([fetchBytes(`${TINY}${graph}.onnx`), fetchBytes(TINY + weights)]);
  const log: string[] = [];
  logSink = log;
  try {
    const session = await ort.InferenceSession.create(model, {
      executionProviders: [ep],
      // The path must equal the `location` the graph's initializers name.
      externalData: [{ path: weights, data }],
      logSeverityLevel: 0,
      logVerbosityLevel: 0,
    });
    return { session, placement: log.filter((l) => /placed on|fallback|not assigned/.test(l)).map(stripLogPrefix) };
  } finally {
    logSink = undefined;
  }
}

/** "2026-… [V:onnxruntime:, session_state.cc:1383 Verify…]  Node(s) placed on …" → "Node(s) placed on …". */
function stripLogPrefix(line: string): string {
  return line.replace(/\u001b\[[0-9;]*m/g, '').replace(/^.*?\] +/, '');
}

/** How many nodes ORT placed on each EP, from the placement log. */
export function nodesPerEp(placement: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of placement) {
    const m = /placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
    if (m) counts[m[1]!] = Number(m[2]);
  }
  return counts;
}

export interface GraphRun {
  dims: number[];
  data: number[];
  placement: string[];
  nodesPerEp: Record<string, number>;
  ms: number;
}

/** One graph on one EP on the golden inputs: its output (plain numbers, to cross to Node). */
export async function runGraph(graph: Graph, ep: Ep, build: Build = 'all'): Promise<GraphRun> {
  const ort = await loadOrt(build);
  const { session, placement } = await createSession(ort, graph, ep);
  try {
    const feeds = await goldenFeeds(ort, graph);
    const start = performance.now();
    const out = (await session.run(feeds))[GRAPHS[graph].output];
    const ms = performance.now() - start;
    if (!out) throw new Error(`${graph}: no output named ${GRAPHS[graph].output}`);
    return { dims: [...out.dims], data: Array.from(out.data as Float32Array), placement, nodesPerEp: nodesPerEp(placement), ms };
  } finally {
    await session.release();
  }
}

/** The WebGPU adapter the page gets, in words (ORT's WebGPU EP requests the same default adapter). */
export async function adapterName(): Promise<string> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return 'no WebGPU adapter';
  const { vendor, architecture, device, description } = adapter.info;
  return [vendor, architecture, device, description].filter(Boolean).join(' / ') + (adapter.info.isFallbackAdapter ? ' (fallback adapter)' : '');
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
