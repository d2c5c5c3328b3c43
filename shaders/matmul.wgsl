// Matrix product with a bias and a fused epilogue, the Linear layer of the transformer stacks:
//
//   y = act(x · wᵀ + b)                          entry point `matmul`
//   residual ← residual + gate ⊙ (x · wᵀ + b)    entry point `matmul_gated_residual`
//
// x is M×K and w is N×K, both row-major, so w is a PyTorch Linear weight as stored and each output
// element is the dot product of a row of x with a row of w. b and gate have N entries (gate is the
// adaLN gate, one value per output column). Storage type T (f32 or f16, see src/gpu/kernel.ts);
// products are accumulated in f32 in both variants. The gated residual is f32 in both variants
// (residual and gate are `array<f32>`): the DiT keeps its residual stream and its modulation in f32
// even when weights and activations are f16 (see ../shared/reference/wan21-architecture.md). It is
// updated in place, so the residual stream needs no second buffer and no copy.
//
// Tiling. A workgroup owns a TILE_M×TILE_N tile of the output and walks K in steps of TILE_K. At each
// step every invocation helps stage a TILE_M×TILE_K slab of x and a TILE_N×TILE_K slab of w in
// workgroup memory (converted to f32 once there, zero-filled past the matrix edges so edge tiles need
// no special case in the inner loop), then each invocation accumulates a MICRO×MICRO block of
// outputs from it: per k, MICRO values of x and MICRO of w give MICRO² multiply-adds. Slabs are
// stored k-major ([k][m] and [k][n]) so the inner loop reads rows of the slab.
//
// An invocation's outputs are strided, not contiguous: rows local.y + i·THREADS_M and columns
// local.x + j·THREADS_N. Neighbouring invocations then read neighbouring slab words (no bank
// conflicts) and write neighbouring output columns (coalesced stores).
//
// Split weights. A weight too large for one binding is split by rows (output columns) by the
// runtime; each part is a separate call with its own w (and the full b and gate): `n_offset` says
// where the part's columns start in b, gate and y, and `y_stride` is the full row length of y.

override TILE_M: u32 = 64u;
override TILE_N: u32 = 64u;
override TILE_K: u32 = 16u;
/** Activation of the plain entry point: 0 none, 1 GELU (tanh approximation), 2 SiLU. */
override EPILOGUE: u32 = 0u;
/** Without a bias the b binding is never read (any small buffer may be bound there). */
override HAS_BIAS: bool = true;

/** Outputs per invocation along rows and along columns. */
const MICRO: u32 = 4u;
// Derived from the tiles (an override may depend on overrides; a const may not). Not set by the host.
override THREADS_M: u32 = TILE_M / MICRO;
override THREADS_N: u32 = TILE_N / MICRO;
override THREADS: u32 = THREADS_M * THREADS_N;

const EPILOGUE_GELU_TANH: u32 = 1u;
const EPILOGUE_SILU: u32 = 2u;
const SQRT_2_OVER_PI: f32 = 0.7978845608028654;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  /** Elements between consecutive rows of y (N, or more when writing a column slice). */
  y_stride: u32,
  /** First column of this call in b, gate and y. */
  n_offset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<T>;
@group(0) @binding(2) var<storage, read> w: array<T>;
@group(0) @binding(3) var<storage, read> b: array<T>;
// Binding 4 onwards differs by entry point; each pipeline uses only its own.
@group(0) @binding(4) var<storage, read_write> y: array<T>;
@group(0) @binding(4) var<storage, read> gate: array<f32>;
@group(0) @binding(5) var<storage, read_write> residual: array<f32>;

var<workgroup> x_slab: array<f32, TILE_K * TILE_M>; // [k][m]
var<workgroup> w_slab: array<f32, TILE_K * TILE_N>; // [k][n]

/** Row i and column j of this invocation's MICRO×MICRO block; acc[i][j] holds that output. */
fn output_row(group: vec3u, local: vec3u, i: u32) -> u32 {
  return group.y * TILE_M + local.y + i * THREADS_M;
}

fn output_column(group: vec3u, local: vec3u, j: u32) -> u32 {
  return group.x * TILE_N + local.x + j * THREADS_N;
}

/** x·wᵀ for this invocation's block of the workgroup's output tile. */
fn tile_product(group: vec3u, local: vec3u) -> array<vec4f, MICRO> {
  let first_row = group.y * TILE_M;
  let first_column = group.x * TILE_N;
  let thread = local.y * THREADS_N + local.x;
  var acc: array<vec4f, MICRO>;
  for (var k0 = 0u; k0 < params.k; k0 += TILE_K) {
    // Consecutive invocations load consecutive k of one row: contiguous reads from global memory.
    for (var e = thread; e < TILE_M * TILE_K; e += THREADS) {
      let row = first_row + e / TILE_K;
      let k = k0 + e % TILE_K;
      var value = 0.0;
      if (row < params.m && k < params.k) { value = f32(x[row * params.k + k]); }
      x_slab[(e % TILE_K) * TILE_M + e / TILE_K] = value;
    }
    for (var e = thread; e < TILE_N * TILE_K; e += THREADS) {
      let column = first_column + e / TILE_K;
      let k = k0 + e % TILE_K;
      var value = 0.0;
      if (column < params.n && k < params.k) { value = f32(w[column * params.k + k]); }
      w_slab[(e % TILE_K) * TILE_N + e / TILE_K] = value;
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      var x_values: vec4f;
      var w_values: vec4f;
      for (var i = 0u; i < MICRO; i++) {
        x_values[i] = x_slab[k * TILE_M + local.y + i * THREADS_M];
        w_values[i] = w_slab[k * TILE_N + local.x + i * THREADS_N];
      }
      for (var i = 0u; i < MICRO; i++) {
        acc[i] = fma(vec4f(x_values[i]), w_values, acc[i]);
      }
    }
    // The next step overwrites the slabs: everyone must be done reading them.
    workgroupBarrier();
  }
  return acc;
}

fn bias(column: u32) -> f32 {
  if (HAS_BIAS) { return f32(b[params.n_offset + column]); }
  return 0.0;
}

fn activate(v: f32) -> f32 {
  switch EPILOGUE {
    case EPILOGUE_GELU_TANH: {
      // Clamped: tanh is ±1 to f32 precision beyond ±10, and some platforms build tanh from exp.
      let inner = clamp(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v), -10.0, 10.0);
      return 0.5 * v * (1.0 + tanh(inner));
    }
    case EPILOGUE_SILU: {
      return v / (1.0 + exp(-v));
    }
    default: {
      return v;
    }
  }
}

@compute @workgroup_size(THREADS_N, THREADS_M)
fn matmul(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_id) local: vec3u) {
  let acc = tile_product(group, local);
  for (var i = 0u; i < MICRO; i++) {
    let row = output_row(group, local, i);
    if (row >= params.m) { break; }
    for (var j = 0u; j < MICRO; j++) {
      let column = output_column(group, local, j);
      if (column >= params.n) { break; }
      y[row * params.y_stride + params.n_offset + column] = T(activate(acc[i][j] + bias(column)));
    }
  }
}

@compute @workgroup_size(THREADS_N, THREADS_M)
fn matmul_gated_residual(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_id) local: vec3u) {
  let acc = tile_product(group, local);
  for (var i = 0u; i < MICRO; i++) {
    let row = output_row(group, local, i);
    if (row >= params.m) { break; }
    for (var j = 0u; j < MICRO; j++) {
      let column = output_column(group, local, j);
      if (column >= params.n) { break; }
      let index = row * params.y_stride + params.n_offset + column;
      residual[index] = fma(gate[params.n_offset + column], acc[i][j] + bias(column), residual[index]);
    }
  }
}
