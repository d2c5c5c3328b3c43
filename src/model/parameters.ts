// Every tensor a model part has, by state-dict name, with its shape, derived from the config. It is
// what a checkpoint must hold (a loader checks a file against it before uploading anything) and how
// the benchmark makes random weights at any size.
import { ditInputChannels, type DitConfig, type TextEncoderConfig } from './config.ts';

export type ParameterShapes = Map<string, number[]>;

export function ditParameters(c: DitConfig): ParameterShapes {
  const shapes: ParameterShapes = new Map();
  const linear = (name: string, out: number, inp: number) => {
    shapes.set(`${name}.weight`, [out, inp]);
    shapes.set(`${name}.bias`, [out]);
  };
  const [pf, ph, pw] = c.patch;
  shapes.set('patch_embedding.weight', [c.dim, ditInputChannels(c), pf, ph, pw]);
  shapes.set('patch_embedding.bias', [c.dim]);
  linear('text_embedding.0', c.dim, c.text_dim);
  linear('text_embedding.2', c.dim, c.dim);
  linear('time_embedding.0', c.dim, c.freq_dim);
  linear('time_embedding.2', c.dim, c.dim);
  linear('time_projection.1', 6 * c.dim, c.dim);
  for (let i = 0; i < c.num_layers; i++) {
    const p = `blocks.${i}.`;
    shapes.set(`${p}modulation`, [1, 6, c.dim]);
    for (const attn of ['self_attn', 'cross_attn']) {
      for (const proj of ['q', 'k', 'v', 'o']) linear(`${p}${attn}.${proj}`, c.dim, c.dim);
      if (c.qk_norm) {
        shapes.set(`${p}${attn}.norm_q.weight`, [c.dim]);
        shapes.set(`${p}${attn}.norm_k.weight`, [c.dim]);
      }
    }
    if (c.cross_attn_norm) {
      shapes.set(`${p}norm3.weight`, [c.dim]);
      shapes.set(`${p}norm3.bias`, [c.dim]);
    }
    linear(`${p}ffn.0`, c.ffn_dim, c.dim);
    linear(`${p}ffn.2`, c.dim, c.ffn_dim);
  }
  shapes.set('head.modulation', [1, 2, c.dim]);
  linear('head.head', c.out_channels * pf * ph * pw, c.dim);
  return shapes;
}

export function textEncoderParameters(c: TextEncoderConfig): ParameterShapes {
  const inner = c.num_heads * c.head_dim;
  const shapes: ParameterShapes = new Map([['token_embedding.weight', [c.vocab_size, c.dim]]]);
  for (let i = 0; i < c.num_layers; i++) {
    const p = `blocks.${i}.`;
    shapes.set(`${p}norm1.weight`, [c.dim]);
    for (const proj of ['q', 'k', 'v']) shapes.set(`${p}attn.${proj}.weight`, [inner, c.dim]);
    shapes.set(`${p}attn.o.weight`, [c.dim, inner]);
    shapes.set(`${p}norm2.weight`, [c.dim]);
    shapes.set(`${p}ffn.gate.0.weight`, [c.ffn_dim, c.dim]);
    shapes.set(`${p}ffn.fc1.weight`, [c.ffn_dim, c.dim]);
    shapes.set(`${p}ffn.fc2.weight`, [c.dim, c.ffn_dim]);
    shapes.set(`${p}pos_embedding.embedding.weight`, [c.num_buckets, c.num_heads]);
  }
  shapes.set('norm.weight', [c.dim]);
  return shapes;
}

export function parameterCount(shapes: ParameterShapes): number {
  let count = 0;
  for (const shape of shapes.values()) count += shape.reduce((a, b) => a * b, 1);
  return count;
}

/** Names missing from, unexpected in, or shaped differently in a checkpoint; empty when it fits. */
export function checkParameters(expected: ParameterShapes, actual: ReadonlyMap<string, { shape: number[] }>): string[] {
  const problems: string[] = [];
  for (const [name, shape] of expected) {
    const found = actual.get(name);
    if (!found) problems.push(`missing ${name}`);
    else if (found.shape.join() !== shape.join()) problems.push(`${name} is (${found.shape}), expected (${shape})`);
  }
  for (const name of actual.keys()) if (!expected.has(name)) problems.push(`unexpected ${name}`);
  return problems;
}
