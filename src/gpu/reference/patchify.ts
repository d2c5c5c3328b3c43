// CPU references for shaders/patchify.wgsl, written as the PyTorch operations they replace.

export interface PatchShape {
  channels: number;
  frames: number;
  height: number;
  width: number;
}

/**
 * Conv3d(kernel = stride = (1, 2, 2)) input side: token (f, hp, wp) row-major, column
 * c·4 + kh·2 + kw = latents[c, f, 2hp + kh, 2wp + kw].
 */
export function patchify(latents: ArrayLike<number>, { channels, frames, height, width }: PatchShape): Float64Array {
  const [gh, gw] = [height / 2, width / 2];
  const tokens = new Float64Array(latents.length);
  for (let f = 0; f < frames; f++)
    for (let hp = 0; hp < gh; hp++)
      for (let wp = 0; wp < gw; wp++) {
        const token = (f * gh + hp) * gw + wp;
        for (let c = 0; c < channels; c++)
          for (let kh = 0; kh < 2; kh++)
            for (let kw = 0; kw < 2; kw++)
              tokens[token * channels * 4 + c * 4 + kh * 2 + kw] = latents[((c * frames + f) * height + 2 * hp + kh) * width + 2 * wp + kw]!;
      }
  return tokens;
}

/** Concatenate (C_i, F, H, W) inputs along channels (torch.cat(dim=0)). */
export function concatChannels(...inputs: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(inputs.reduce((n, x) => n + x.length, 0));
  let offset = 0;
  for (const x of inputs) {
    out.set(Array.from(x), offset);
    offset += x.length;
  }
  return out;
}

/**
 * Wan's unpatchify: view (F, H/2, W/2, 1, 2, 2, C), einsum 'fhwpqrc->cfphqwr', reshape
 * (C, F, H, W).
 */
export function unpatchify(tokens: ArrayLike<number>, { channels, frames, height, width }: PatchShape): Float64Array {
  const [gh, gw] = [height / 2, width / 2];
  const latents = new Float64Array(tokens.length);
  for (let f = 0; f < frames; f++)
    for (let h = 0; h < gh; h++)
      for (let w = 0; w < gw; w++)
        for (let q = 0; q < 2; q++)
          for (let r = 0; r < 2; r++)
            for (let c = 0; c < channels; c++) {
              const from = ((((f * gh + h) * gw + w) * 2 + q) * 2 + r) * channels + c;
              latents[((c * frames + f) * height + h * 2 + q) * width + w * 2 + r] = tokens[from]!;
            }
  return latents;
}
