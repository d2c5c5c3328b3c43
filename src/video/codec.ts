// Choosing a video codec the browser can encode at the clip's size.
//
// Codec strings carry a profile and level; an encoder may refuse a frame larger than its level
// allows, so each family's level is picked from the frame size instead of hard-coding one. The
// families are tried in order of how widely the resulting MP4 plays: H.264, then VP9, then AV1.

export type CodecFamily = 'avc' | 'vp9' | 'av1';

export const DEFAULT_CODEC_ORDER: readonly CodecFamily[] = ['avc', 'vp9', 'av1'];

interface Level {
  /** The level's code as it appears in the codec string. */
  code: string;
  /** Largest picture, in luma samples. */
  maxPictureSamples: number;
  /** Largest luma sample rate, samples per second. */
  maxSampleRate: number;
}

// H.264 (Rec. ITU-T H.264 Table A-1): MaxFS and MaxMBPS in 16×16 macroblocks, converted to samples.
const AVC_LEVELS: Level[] = [
  { code: '1f', maxPictureSamples: 3600 * 256, maxSampleRate: 108000 * 256 }, // 3.1
  { code: '20', maxPictureSamples: 5120 * 256, maxSampleRate: 216000 * 256 }, // 3.2
  { code: '28', maxPictureSamples: 8192 * 256, maxSampleRate: 245760 * 256 }, // 4.0
  { code: '2a', maxPictureSamples: 8704 * 256, maxSampleRate: 522240 * 256 }, // 4.2
  { code: '32', maxPictureSamples: 22080 * 256, maxSampleRate: 589824 * 256 }, // 5.0
  { code: '33', maxPictureSamples: 36864 * 256, maxSampleRate: 983040 * 256 }, // 5.1
  { code: '34', maxPictureSamples: 36864 * 256, maxSampleRate: 2073600 * 256 }, // 5.2
];

// VP9 (VP9 bitstream spec, Annex A levels).
const VP9_LEVELS: Level[] = [
  { code: '10', maxPictureSamples: 36864, maxSampleRate: 829440 },
  { code: '20', maxPictureSamples: 122880, maxSampleRate: 4608000 },
  { code: '21', maxPictureSamples: 245760, maxSampleRate: 9216000 },
  { code: '30', maxPictureSamples: 552960, maxSampleRate: 20736000 },
  { code: '31', maxPictureSamples: 983040, maxSampleRate: 36864000 },
  { code: '40', maxPictureSamples: 2228224, maxSampleRate: 83558400 },
  { code: '41', maxPictureSamples: 2228224, maxSampleRate: 160432128 },
  { code: '50', maxPictureSamples: 8912896, maxSampleRate: 311951360 },
];

// AV1 (AV1 spec, Annex A): seq_level_idx as two digits, main tier.
const AV1_LEVELS: Level[] = [
  { code: '04', maxPictureSamples: 665856, maxSampleRate: 24969600 }, // 3.0
  { code: '05', maxPictureSamples: 1065024, maxSampleRate: 39938400 }, // 3.1
  { code: '08', maxPictureSamples: 2359296, maxSampleRate: 77856768 }, // 4.0
  { code: '09', maxPictureSamples: 2359296, maxSampleRate: 155713536 }, // 4.1
  { code: '12', maxPictureSamples: 8912896, maxSampleRate: 273715200 }, // 5.0
];

function pickLevel(levels: Level[], width: number, height: number, fps: number): Level | undefined {
  // H.264 counts whole macroblocks; rounding up to 16 is harmless for the other families.
  const samples = Math.ceil(width / 16) * 16 * Math.ceil(height / 16) * 16;
  return levels.find((l) => samples <= l.maxPictureSamples && samples * fps <= l.maxSampleRate);
}

/** The codec string for a family at this size and rate, or null if no level fits. */
export function codecString(family: CodecFamily, width: number, height: number, fps: number): string | null {
  switch (family) {
    case 'avc': {
      // Constrained Baseline (42 E0): what every H.264 encoder in browsers, OpenH264 included, makes.
      const level = pickLevel(AVC_LEVELS, width, height, fps);
      return level ? `avc1.42e0${level.code}` : null;
    }
    case 'vp9': {
      const level = pickLevel(VP9_LEVELS, width, height, fps);
      return level ? `vp09.00.${level.code}.08` : null;
    }
    case 'av1': {
      const level = pickLevel(AV1_LEVELS, width, height, fps);
      return level ? `av01.0.${level.code}M.08` : null;
    }
  }
}

/** Target bitrate: generous for flat synthetic content, capped for long clips. */
export function targetBitrate(width: number, height: number, fps: number): number {
  const bitsPerPixel = 0.2;
  return Math.round(Math.min(20e6, Math.max(500e3, width * height * fps * bitsPerPixel)));
}

export function encoderConfig(codec: string, width: number, height: number, fps: number): VideoEncoderConfig {
  const config: VideoEncoderConfig = {
    codec,
    width,
    height,
    framerate: fps,
    bitrate: targetBitrate(width, height, fps),
    latencyMode: 'quality',
  };
  // MP4 needs H.264 in 'avc' format (parameter sets in the decoder configuration, not in-band).
  if (codec.startsWith('avc1')) config.avc = { format: 'avc' };
  return config;
}

export interface CodecChoice {
  family: CodecFamily;
  codec: string;
  config: VideoEncoderConfig;
}

/**
 * The first family in `order` whose configuration `isSupported` accepts. In the browser,
 * `isSupported` wraps VideoEncoder.isConfigSupported.
 */
export async function chooseCodec(
  width: number,
  height: number,
  fps: number,
  order: readonly CodecFamily[],
  isSupported: (config: VideoEncoderConfig) => Promise<boolean>,
): Promise<CodecChoice | null> {
  for (const family of order) {
    const codec = codecString(family, width, height, fps);
    if (!codec) continue;
    const config = encoderConfig(codec, width, height, fps);
    if (await isSupported(config)) return { family, codec, config };
  }
  return null;
}

/** The codec family of a WebCodecs codec string, or null for one we do not write. */
export function familyOf(codec: string): CodecFamily | null {
  if (codec.startsWith('avc1') || codec.startsWith('avc3')) return 'avc';
  if (codec.startsWith('vp09')) return 'vp9';
  if (codec.startsWith('av01')) return 'av1';
  return null;
}
