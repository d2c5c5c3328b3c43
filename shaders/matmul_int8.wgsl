// Matrix product with int8 weights and one f32 scale per output channel (src/gpu/int8.ts), the
// text encoder's Linear layers:
//
//   y = act(s ⊙ (x · qᵀ) + b)                          entry point `matmul_int8`
//   residual ← residual + gate ⊙ (s ⊙ (x · qᵀ) + b)    entry point `matmul_int8_gated_residual`
//
// x is M×K of storage type T (f16 or f32); q is N×K signed bytes packed four to a u32,
// little-endian, each row padded to ceil(K/4) words; s has N entries. Because the scale belongs to
// the output column, it multiplies the finished dot product once instead of every weight. Products
// are accumulated in f32: an int8 value is exact in f32 and in f16.
//
// Tiling is shaders/matmul.wgsl's (see its header): a workgroup owns a TILE_M×TILE_N output tile,
// stages TILE_K-deep slabs of x and q in workgroup memory as f32, and each invocation accumulates a
// MICRO×MICRO block with strided rows and columns. The only difference is the staging of q: one
// invocation reads one word and writes its four bytes, sign-extended, to four slab rows. TILE_K must
// therefore be a multiple of 4 (words never straddle two slabs). Bytes past K in a row's last word
// are zero, and x is zero-filled past K anyway, so K need not be a multiple of 4.
//
// Split weights: as in matmul.wgsl, a part of the rows is one call; `n_offset` says where its
// columns start in s, b, gate and y, and `y_stride` is the full row length of y.

override TILE_M: u32 = 64u;
override TILE_N: u32 = 64u;
override TILE_K: u32 = 16u;
/** Activation of the plain entry point: 0 none, 1 GELU (tanh approximation), 2 SiLU. */
override EPILOGUE: u32 = 0u;
/** Without a bias the b binding is never read (any small buffer may be bound there). */
override HAS_BIAS: bool = false;

const MICRO: u32 = 4u;
override THREADS_M: u32 = TILE_M / MICRO;
override THREADS_N: u32 = TILE_N / MICRO;
override THREADS: u32 = THREADS_M * THREADS_N;
override WORDS_K: u32 = TILE_K / 4u;

const EPILOGUE_GELU_TANH: u32 = 1u;
const EPILOGUE_SILU: u32 = 2u;
const SQRT_2_OVER_PI: f32 = 0.7978845608028654;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  /** Elements between consecutive rows of y (N, or more when writing a column slice). */
  y_stride: u32,
  /** First column of this call in s, b, gate and y. */
  n_offset: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<T>;
@group(0) @binding(2) var<storage, read> q: array<u32>;
@group(0) @binding(3) var<storage, read> scales: array<f32>;
@group(0) @binding(4) var<storage, read> b: array<T>;
// Binding 5 onwards differs by entry point; each pipeline uses only its own.
@group(0) @binding(5) var<storage, read_write> y: array<T>;
@group(0) @binding(5) var<storage, read> gate: array<f32>;
@group(0) @binding(6) var<storage, read_write> residual: array<f32>;

var<workgroup> x_slab: array<f32, TILE_K * TILE_M>; // [k][m]
var<workgroup> w_slab: array<f32, TILE_K * TILE_N>; // [k][n]

fn output_row(group: vec3u, local: vec3u, i: u32) -> u32 {
  return group.y * TILE_M + local.y + i * THREADS_M;
}

fn output_column(group: vec3u, local: vec3u, j: u32) -> u32 {
  return group.x * TILE_N + local.x + j * THREADS_N;
}

/** x·qᵀ (unscaled) for this invocation's block of the workgroup's output tile. */
fn tile_product(group: vec3u, local: vec3u) -> array<vec4f, MICRO> {
  let first_row = group.y * TILE_M;
  let first_column = group.x * TILE_N;
  let thread = local.y * THREADS_N + local.x;
  let row_words = (params.k + 3u) / 4u;
  var acc: array<vec4f, MICRO>;
  for (var k0 = 0u; k0 < params.k; k0 += TILE_K) {
    for (var e = thread; e < TILE_M * TILE_K; e += THREADS) {
      let row = first_row + e / TILE_K;
      let k = k0 + e % TILE_K;
      var value = 0.0;
      if (row < params.m && k < params.k) { value = f32(x[row * params.k + k]); }
      x_slab[(e % TILE_K) * TILE_M + e / TILE_K] = value;
    }
    for (var e = thread; e < TILE_N * WORDS_K; e += THREADS) {
      let column = first_column + e / WORDS_K;
      let word_in_slab = e % WORDS_K;
      let word = k0 / 4u + word_in_slab;
      var packed = 0i;
      if (column < params.n && word < row_words) { packed = bitcast<i32>(q[column * row_words + word]); }
      for (var byte = 0u; byte < 4u; byte++) {
        // extractBits of an i32 sign-extends the field: the byte's two's-complement value.
        w_slab[(word_in_slab * 4u + byte) * TILE_N + e / WORDS_K] = f32(extractBits(packed, 8u * byte, 8u));
      }
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
    workgroupBarrier();
  }
  return acc;
}

/** The finished output of column `column` of this call: scaled, biased. */
fn scaled(column: u32, sum: f32) -> f32 {
  var value = scales[params.n_offset + column] * sum;
  if (HAS_BIAS) { value += f32(b[params.n_offset + column]); }
  return value;
}

fn activate(v: f32) -> f32 {
  switch EPILOGUE {
    case EPILOGUE_GELU_TANH: {
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
fn matmul_int8(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_id) local: vec3u) {
  let acc = tile_product(group, local);
  for (var i = 0u; i < MICRO; i++) {
    let row = output_row(group, local, i);
    if (row >= params.m) { break; }
    for (var j = 0u; j < MICRO; j++) {
      let column = output_column(group, local, j);
      if (column >= params.n) { break; }
      y[row * params.y_stride + params.n_offset + column] = T(activate(scaled(column, acc[i][j])));
    }
  }
}

@compute @workgroup_size(THREADS_N, THREADS_M)
fn matmul_int8_gated_residual(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_id) local: vec3u) {
  let acc = tile_product(group, local);
  for (var i = 0u; i < MICRO; i++) {
    let row = output_row(group, local, i);
    if (row >= params.m) { break; }
    for (var j = 0u; j < MICRO; j++) {
      let column = output_column(group, local, j);
      if (column >= params.n) { break; }
      let index = row * params.y_stride + params.n_offset + column;
      residual[index] = fma(gate[params.n_offset + column], scaled(column, acc[i][j]), residual[index]);
    }
  }
}
