// Fused multi-head attention, flash-attention style:
//
//   out[i, h] = Σ_j softmax_j(scale · q[i, h]·k[j, h] + bias(h, i, j)) · v[j, h]    over valid keys j
//
// Layout: q (Lq, heads, HEAD_DIM), k and v (Lk, heads, HEAD_DIM), out (Lq, heads, HEAD_DIM), each
// row-major with its own row stride (elements between tokens), so q, k and v can be the outputs of
// Linear layers as they are, or slices of one fused qkv buffer. Storage type T (f32 or f16, see
// src/gpu/kernel.ts); scores, softmax and the accumulator are f32 in both variants.
//
// Algorithm. A workgroup owns BLOCK_Q consecutive queries of one head (grid: query blocks × heads).
// It stages its queries in workgroup memory once (pre-multiplied by `scale`), then walks the keys in
// tiles of BLOCK_K. For each tile it stages k and v, computes the BLOCK_Q×BLOCK_K scores, and folds
// them into an online softmax: per query a running maximum m and running sum l; with the tile's
// maximum m' = max(m, max_j s_j) the probabilities are p_j = e^(s_j − m'), earlier work is rescaled
// by e^(m − m'), l ← l·e^(m − m') + Σ p_j and acc ← acc·e^(m − m') + Σ p_j·v_j. At the end
// out = acc / l. Only one tile of scores ever exists; the Lq×Lk matrix is never materialised.
//
// Invocations: THREADS_PER_QUERY = WORKGROUP_SIZE / BLOCK_Q invocations share a query row; each
// holds the accumulator for the vec4 slots lane, lane + THREADS_PER_QUERY, … of that row in
// registers. Scores are spread over all invocations; the per-row softmax update is done by one
// invocation per row (BLOCK_K exponentials; cheap next to the BLOCK_K·HEAD_DIM dot products).
//
// Keys and masking. Keys j < kv_valid (≤ Lk) take part; the rest are a padding tail (the T5 key
// padding mask: padding is always at the end). Tiles past kv_valid are not visited at all, and
// within the last tile masked keys get p = 0 explicitly (never e^(−∞ − −∞)). The running maximum
// starts at a large finite negative number rather than −∞, so no step can form ∞ − ∞. With no
// valid key at all, l stays 0 and the output is 0 instead of 0/0.
//
// Query positions. Query i sits at absolute position q_offset + i of the key/value sequence
// (queries may attend over a longer KV buffer than themselves, e.g. a KV cache).
//
// Causal by chunk (chunk_tokens > 0; 0 turns it off). Self-Forcing's video is made chunk after
// chunk of latent frames: attention is bidirectional inside a chunk and sees earlier chunks but no
// later one. So the query at position p sees the keys j < (⌊p / chunk_tokens⌋ + 1)·chunk_tokens
// (and < kv_valid). A workgroup visits keys up to the end its last query sees; within a tile, each
// row masks the keys past its own end like padding (p = 0). A row that sees no key of a tile keeps
// its running maximum and sum (tile maximum stays NO_SCORE_YET, so the rescale is e^0 = 1).
//
// Bias (HAS_BIAS). A table per head indexed by the relative position δ = j − (q_offset + i):
// bias[h · bias_len + clamp(bias_center + δ, 0, bias_len − 1)]. For T5's relative position bias the
// runtime fills entry bias_center + δ with the learned bias of δ's bucket; clamping at the ends is
// exact for T5 when the table spans ±max_distance (the buckets saturate there). The table is
// heads × (2L − 1) values instead of a heads × Lq × Lk tensor.

override HEAD_DIM: u32 = 64u;
override BLOCK_Q: u32 = 16u;
override BLOCK_K: u32 = 16u;
override WORKGROUP_SIZE: u32 = 64u;
override HAS_BIAS: bool = false;

// Derived, not set by the host.
override VEC4_PER_ROW: u32 = HEAD_DIM / 4u;
override THREADS_PER_QUERY: u32 = WORKGROUP_SIZE / BLOCK_Q;
override VEC4_PER_THREAD: u32 = VEC4_PER_ROW / THREADS_PER_QUERY;

/** Register budget for one invocation's share of a query row (HEAD_DIM 128 over 4 invocations). */
const MAX_VEC4_PER_THREAD: u32 = 8u;
/** Start of the running maximum: far below any score, yet finite so differences stay finite. */
const NO_SCORE_YET: f32 = -1.0e30;

struct Params {
  lq: u32,
  /** Rows in the key/value buffers. */
  lk: u32,
  /** Keys that take part: the first kv_valid rows (clamped to lk); the rest are padding. */
  kv_valid: u32,
  /** Absolute position of query 0 in the key/value sequence. */
  q_offset: u32,
  /** Elements between consecutive tokens of q, of k and v, and of out. */
  q_stride: u32,
  kv_stride: u32,
  out_stride: u32,
  /** Entries per head of the bias table, and the entry of relative position 0. */
  bias_len: u32,
  bias_center: u32,
  scale: f32,
  /** Tokens per chunk of the causal-by-chunk mask; 0: no mask (every valid key is seen). */
  chunk_tokens: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<T>;
@group(0) @binding(2) var<storage, read> k: array<T>;
@group(0) @binding(3) var<storage, read> v: array<T>;
/** Read only when HAS_BIAS; otherwise any small buffer may be bound. */
@group(0) @binding(4) var<storage, read> bias: array<T>;
@group(0) @binding(5) var<storage, read_write> out: array<T>;

var<workgroup> q_tile: array<vec4f, BLOCK_Q * VEC4_PER_ROW>;
var<workgroup> k_tile: array<vec4f, BLOCK_K * VEC4_PER_ROW>;
var<workgroup> v_tile: array<vec4f, BLOCK_K * VEC4_PER_ROW>;
/** Scores of the current tile, then (after the softmax step) its probabilities. */
var<workgroup> probabilities: array<f32, BLOCK_Q * BLOCK_K>;
var<workgroup> running_max: array<f32, BLOCK_Q>;
var<workgroup> running_sum: array<f32, BLOCK_Q>;
/** e^(m − m') of the current tile, per row: how much the accumulator shrinks. */
var<workgroup> rescale: array<f32, BLOCK_Q>;

/** Four consecutive elements of a T buffer as f32, or zeros for rows outside the sequence. */
fn load_q(base: u32) -> vec4f {
  return vec4f(f32(q[base]), f32(q[base + 1u]), f32(q[base + 2u]), f32(q[base + 3u]));
}

fn load_k(base: u32) -> vec4f {
  return vec4f(f32(k[base]), f32(k[base + 1u]), f32(k[base + 2u]), f32(k[base + 3u]));
}

fn load_v(base: u32) -> vec4f {
  return vec4f(f32(v[base]), f32(v[base + 1u]), f32(v[base + 2u]), f32(v[base + 3u]));
}

fn relative_bias(head: u32, query: u32, key: u32) -> f32 {
  let offset = i32(key) - i32(params.q_offset + query);
  let entry = clamp(i32(params.bias_center) + offset, 0, i32(params.bias_len) - 1);
  return f32(bias[head * params.bias_len + u32(entry)]);
}

/** Keys the query at absolute position `position` sees: all valid ones, or up to the end of its chunk. */
fn visible_keys(position: u32, keys: u32) -> u32 {
  if (params.chunk_tokens == 0u) { return keys; }
  return min(keys, (position / params.chunk_tokens + 1u) * params.chunk_tokens);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn attention(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) thread: u32) {
  let head = group.y;
  let first_query = group.x * BLOCK_Q;
  let head_offset = head * HEAD_DIM;
  let all_keys = min(params.kv_valid, params.lk);
  // The last query of the block sees the most keys (chunks only grow along the sequence).
  let last_query = min(first_query + BLOCK_Q, params.lq) - 1u;
  let keys = visible_keys(params.q_offset + last_query, all_keys);

  // Queries, pre-scaled; rows past Lq are zeros (computed like the others, never stored).
  for (var e = thread; e < BLOCK_Q * VEC4_PER_ROW; e += WORKGROUP_SIZE) {
    let query = first_query + e / VEC4_PER_ROW;
    var value = vec4f(0.0);
    if (query < params.lq) {
      value = params.scale * load_q(query * params.q_stride + head_offset + (e % VEC4_PER_ROW) * 4u);
    }
    q_tile[e] = value;
  }
  for (var row = thread; row < BLOCK_Q; row += WORKGROUP_SIZE) {
    running_max[row] = NO_SCORE_YET;
    running_sum[row] = 0.0;
  }

  let my_row = thread / THREADS_PER_QUERY;
  let my_lane = thread % THREADS_PER_QUERY;
  var acc: array<vec4f, MAX_VEC4_PER_THREAD>;

  for (var first_key = 0u; first_key < keys; first_key += BLOCK_K) {
    // Everyone is done with the previous tile (and, the first time, the queries are staged).
    workgroupBarrier();
    // Keys and values; rows past the valid keys are zeros, so p = 0 meets a finite v.
    for (var e = thread; e < BLOCK_K * VEC4_PER_ROW; e += WORKGROUP_SIZE) {
      let key = first_key + e / VEC4_PER_ROW;
      var key_value = vec4f(0.0);
      var value_value = vec4f(0.0);
      if (key < keys) {
        let base = key * params.kv_stride + head_offset + (e % VEC4_PER_ROW) * 4u;
        key_value = load_k(base);
        value_value = load_v(base);
      }
      k_tile[e] = key_value;
      v_tile[e] = value_value;
    }
    workgroupBarrier();

    for (var e = thread; e < BLOCK_Q * BLOCK_K; e += WORKGROUP_SIZE) {
      let row = e / BLOCK_K;
      let column = e % BLOCK_K;
      var score = 0.0;
      for (var c = 0u; c < VEC4_PER_ROW; c++) {
        score += dot(q_tile[row * VEC4_PER_ROW + c], k_tile[column * VEC4_PER_ROW + c]);
      }
      if (HAS_BIAS) { score += relative_bias(head, first_query + row, first_key + column); }
      probabilities[e] = score;
    }
    workgroupBarrier();

    // Online softmax update, one invocation per query row.
    for (var row = thread; row < BLOCK_Q; row += WORKGROUP_SIZE) {
      let row_keys = visible_keys(params.q_offset + first_query + row, all_keys);
      let valid_in_tile = min(BLOCK_K, max(row_keys, first_key) - first_key);
      var tile_max = NO_SCORE_YET;
      for (var j = 0u; j < valid_in_tile; j++) {
        tile_max = max(tile_max, probabilities[row * BLOCK_K + j]);
      }
      let new_max = max(running_max[row], tile_max);
      var tile_sum = 0.0;
      for (var j = 0u; j < BLOCK_K; j++) {
        var p = 0.0;
        if (j < valid_in_tile) { p = exp(probabilities[row * BLOCK_K + j] - new_max); }
        probabilities[row * BLOCK_K + j] = p;
        tile_sum += p;
      }
      let shrink = exp(running_max[row] - new_max);
      rescale[row] = shrink;
      running_sum[row] = running_sum[row] * shrink + tile_sum;
      running_max[row] = new_max;
    }
    workgroupBarrier();

    let shrink = rescale[my_row];
    for (var s = 0u; s < VEC4_PER_THREAD; s++) {
      let slot = my_lane + s * THREADS_PER_QUERY;
      var sum = acc[s] * shrink;
      for (var j = 0u; j < BLOCK_K; j++) {
        sum = fma(vec4f(probabilities[my_row * BLOCK_K + j]), v_tile[j * VEC4_PER_ROW + slot], sum);
      }
      acc[s] = sum;
    }
  }
  // running_sum is final (and, with no keys, its initial 0 is visible to every invocation).
  workgroupBarrier();

  let query = first_query + my_row;
  if (query >= params.lq) { return; }
  let total = running_sum[my_row];
  let inverse = select(0.0, 1.0 / total, total > 0.0);
  for (var s = 0u; s < VEC4_PER_THREAD; s++) {
    let result = acc[s] * inverse;
    let base = query * params.out_stride + head_offset + (my_lane + s * THREADS_PER_QUERY) * 4u;
    out[base] = T(result.x);
    out[base + 1u] = T(result.y);
    out[base + 2u] = T(result.z);
    out[base + 3u] = T(result.w);
  }
}
