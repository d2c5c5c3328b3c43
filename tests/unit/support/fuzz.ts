// Fuzzing the parsers of outside bytes (MP4s, pictures, safetensors, manifests, ONNX graphs) with
// fast-check: mutations of a valid file (bit flips, truncations, huge or off-by-one length fields,
// offsets past the end, spliced garbage; for JSON, values swapped for hostile ones), each parsed
// under a fixed time budget. What every parser must do with any of them: give a valid result or
// its own clear error; never another exception, never a hang, never a large allocation.
import fc from 'fast-check';

/**
 * Each parser's share of the suite's time (fast-check stops starting new runs after it).
 * FUZZ_BUDGET_MS in the environment gives a longer hunt: `FUZZ_BUDGET_MS=60000 npx vitest run fuzz`.
 */
export const FUZZ_BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS) > 0 ? Number(process.env.FUZZ_BUDGET_MS) : 3_000;
/** Runs fast-check aims for; the budget usually ends them first. */
const MAX_RUNS = 100_000;
/** One parse slower than this is a hang (generous: the machine may be busy with other work). */
const SLOW_PARSE_MS = 2_000;
/** Memory a parse may still hold in array buffers when it returns: a few times the input, plus slack. */
const allocationAllowance = (inputBytes: number) => 16 * inputBytes + 4 * 1024 * 1024;

// ── Byte-level mutations ────────────────────────────────────────────────────────────────────

export type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'u32'; at: number; value: number; littleEndian: boolean }
  | { kind: 'u64'; at: number; value: bigint; littleEndian: boolean }
  | { kind: 'splice'; at: number; bytes: Uint8Array }
  /** Several fields of one structure at once (a table's entry size and its count, say). */
  | { kind: 'fields'; writes: { at: number; value: number }[]; littleEndian: boolean };

/**
 * Mutations of `seed`. `structures` are groups of byte offsets worth aiming at, one group per
 * structure in the file (a box's size and count fields, a chunk's length and its width and
 * height): random offsets alone would rarely hit the few bytes that size allocations, let alone
 * two of them together.
 */
export function byteMutations(seed: Uint8Array, structures: readonly (readonly number[])[]): fc.Arbitrary<ByteMutation[]> {
  const length = seed.length;
  const fields = structures.flat();
  const near = fields.length > 0
    ? fc.oneof(fc.constantFrom(...fields), fc.tuple(fc.constantFrom(...fields), fc.integer({ min: -2, max: 15 })).map(([f, d]) => f + d))
    : fc.constant(0);
  const at = fc.oneof(near, fc.nat({ max: Math.max(0, length - 1) })).map((p) => Math.min(Math.max(p, 0), Math.max(0, length - 1)));
  // Values that break length arithmetic: zero, one, sign and width limits, the file's own length and around it.
  const u32 = fc.oneof(
    fc.constantFrom(0, 1, 2, 7, 8, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, length - 1, length, length + 1, 2 * length, 1 << 30),
    fc.nat({ max: 0xffffffff }),
  ).map((v) => v >>> 0);
  const u64 = fc.oneof(
    fc.constantFrom(0n, 1n, 0x7fffffffn, 0xffffffffn, 0x100000000n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, BigInt(length), BigInt(length + 1)),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  );
  const mutation: fc.Arbitrary<ByteMutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, bit: fc.nat({ max: 7 }) }),
    fc.record({ kind: fc.constant('truncate' as const), length: fc.nat({ max: length }) }),
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('u32' as const), at, value: u32, littleEndian: fc.boolean() }) },
    fc.record({ kind: fc.constant('u64' as const), at, value: u64, littleEndian: fc.boolean() }),
    fc.record({ kind: fc.constant('splice' as const), at, bytes: fc.uint8Array({ maxLength: 32 }) }),
  );
  const several: fc.Arbitrary<ByteMutation> = fc.record({
    kind: fc.constant('fields' as const),
    writes: fc.constantFrom(...(structures.length > 0 ? structures : [[0]]))
      .chain((group) => fc.tuple(...group.map((offset) => fc.option(u32.map((value) => ({ at: offset, value })), { freq: 2 }))))
      .map((writes) => writes.filter((w): w is { at: number; value: number } => w !== null)),
    littleEndian: fc.boolean(),
  });
  return fc.array(fc.oneof({ weight: 3, arbitrary: mutation }, { weight: 2, arbitrary: several }), { minLength: 1, maxLength: 4 });
}
export function applyMutations(seed: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array<ArrayBuffer> {
  let bytes = new Uint8Array(seed);
  for (const m of mutations) {
    if (m.kind === 'truncate') {
      bytes = bytes.slice(0, m.length);
    } else if (m.kind === 'splice') {
      const at = Math.min(m.at, bytes.length);
      const out = new Uint8Array(bytes.length + m.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(m.bytes, at);
      out.set(bytes.subarray(at), at + m.bytes.length);
      bytes = out;
    } else if (m.kind === 'flip') {
      if (m.at < bytes.length) bytes[m.at]! ^= 1 << m.bit;
    } else if (m.kind === 'fields') {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (const { at, value } of m.writes) if (at >= 0 && at + 4 <= bytes.length) view.setUint32(at, value, m.littleEndian);
    } else {
      const width = m.kind === 'u32' ? 4 : 8;
      if (m.at + width > bytes.length) continue;
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (m.kind === 'u32') view.setUint32(m.at, m.value, m.littleEndian);
      else view.setBigUint64(m.at, m.value, m.littleEndian);
    }
  }
  return bytes;
}

// ── JSON-level mutations ────────────────────────────────────────────────────────────────────

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

export type JsonMutation = { kind: 'set'; path: Path; value: unknown } | { kind: 'delete'; path: Path };

function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  return out;
}

/** Values a hostile file would put where a number, string or object is expected. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 0.5, 1e300, -1e300, 2 ** 53, 2 ** 53 + 2, 2 ** 32, 2 ** 31, Number.MAX_SAFE_INTEGER, '', '0', '1e9', '../x', '__proto__', null, true, [], {}),
  fc.constantFrom([2 ** 31, 2 ** 31], [0, 2 ** 53], [-8, 8], [8, 0], Array.from({ length: 64 }, () => 65536)),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Mutations of a parsed JSON document: values replaced with hostile ones, keys deleted. */
export function jsonMutations(seed: unknown, extraValues: fc.Arbitrary<unknown> = hostileJsonValue): fc.Arbitrary<JsonMutation[]> {
  const paths = pathsOf(seed);
  const path = fc.constantFrom(...paths);
  const mutation: fc.Arbitrary<JsonMutation> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), path, value: extraValues }) },
    fc.record({ kind: fc.constant('delete' as const), path: path.filter((p) => p.length > 0) }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 4 });
}

export function applyJsonMutations(seed: unknown, mutations: readonly JsonMutation[]): unknown {
  let root = structuredClone(seed) as Json;
  for (const m of mutations) {
    if (m.path.length === 0) {
      if (m.kind === 'set') root = structuredClone(m.value) as Json;
      continue;
    }
    let parent: unknown = root;
    for (const key of m.path.slice(0, -1)) parent = (parent as Record<string | number, unknown> | null)?.[key];
    if (parent === null || typeof parent !== 'object') continue;
    const last = m.path.at(-1)!;
    // An array loses the element (JSON has no holes); own properties only, so a "__proto__" key
    // is data, as JSON.parse makes it.
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete (parent as Record<string | number, unknown>)[last];
    }
    else Object.defineProperty(parent, last, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
  }
  return root;
}

// ── The property ────────────────────────────────────────────────────────────────────────────

export interface ParseOutcome<T> {
  ok: boolean;
  value?: T;
  error?: unknown;
}

/**
 * Runs `parse` once and checks how it ended: a result, or an error `isClearError` accepts; fast
 * enough not to be a hang; and without leaving large array buffers behind (a parse that sized an
 * allocation from a hostile length field holds them until the next garbage collection).
 */
export function boundedParse<T>(parse: () => T, isClearError: (error: unknown) => boolean, inputBytes: number): ParseOutcome<T> {
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  let outcome: ParseOutcome<T>;
  try {
    outcome = { ok: true, value: parse() };
  } catch (error) {
    if (!isClearError(error)) throw new Error(`not a clear error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
    outcome = { ok: false, error };
  }
  const elapsed = performance.now() - started;
  if (elapsed > SLOW_PARSE_MS) throw new Error(`a parse took ${elapsed.toFixed(0)} ms: a hang`);
  const grown = process.memoryUsage().arrayBuffers - before;
  if (grown > allocationAllowance(inputBytes)) throw new Error(`a parse of ${inputBytes} bytes left ${grown} bytes of array buffers: a large allocation`);
  return outcome;
}

/** As boundedParse, for a parser that returns a promise. */
export async function boundedParseAsync<T>(parse: () => Promise<T>, isClearError: (error: unknown) => boolean, inputBytes: number): Promise<ParseOutcome<T>> {
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  let outcome: ParseOutcome<T>;
  try {
    outcome = { ok: true, value: await parse() };
  } catch (error) {
    if (!isClearError(error)) throw new Error(`not a clear error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
    outcome = { ok: false, error };
  }
  const elapsed = performance.now() - started;
  if (elapsed > SLOW_PARSE_MS) throw new Error(`a parse took ${elapsed.toFixed(0)} ms: a hang`);
  const grown = process.memoryUsage().arrayBuffers - before;
  if (grown > allocationAllowance(inputBytes)) throw new Error(`a parse of ${inputBytes} bytes left ${grown} bytes of array buffers: a large allocation`);
  return outcome;
}

/** fast-check's settings for a fuzzer: as many runs as fit in the budget. */
export function fuzzSettings(budgetMs = FUZZ_BUDGET_MS): fc.Parameters<unknown> {
  return { numRuns: MAX_RUNS, plugins: [fc.interruptAfterTimeLimit(budgetMs)] } as fc.Parameters<unknown>;
}

/** Vitest's limit for one fuzz test: its budget, plus time for a failing case to shrink and report. */
export const FUZZ_TEST_TIMEOUT_MS = Math.max(30_000, 10 * FUZZ_BUDGET_MS);
