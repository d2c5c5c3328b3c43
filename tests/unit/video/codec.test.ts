import { describe, expect, it } from 'vitest';
import { chooseCodec, codecString, encoderConfig, targetBitrate } from '../../../src/video/codec.ts';

describe('codecString picks the lowest level that fits the frame size and rate', () => {
  it('uses H.264 level 3.1 for small frames and higher levels as frames grow', () => {
    expect(codecString('avc', 256, 256, 8)).toBe('avc1.42e01f');
    expect(codecString('avc', 1280, 720, 30)).toBe('avc1.42e01f'); // exactly 3600 macroblocks
    expect(codecString('avc', 1280, 720, 60)).toBe('avc1.42e020'); // 3.1's rate is exceeded
    expect(codecString('avc', 1920, 1080, 30)).toBe('avc1.42e028'); // 1088 rows of macroblocks
    expect(codecString('avc', 4096, 2304, 24)).toBe('avc1.42e033');
    expect(codecString('avc', 4096, 2304, 30)).toBe('avc1.42e034'); // over 5.1's rate
  });

  it('returns null when no level of a family can hold the frame', () => {
    expect(codecString('avc', 8192, 8192, 30)).toBeNull();
    expect(codecString('av1', 8192, 8192, 30)).toBeNull();
  });

  it('builds VP9 and AV1 strings with 8-bit depth', () => {
    expect(codecString('vp9', 180, 320, 10)).toBe('vp09.00.20.08');
    expect(codecString('vp9', 1920, 1080, 30)).toBe('vp09.00.40.08');
    expect(codecString('av1', 256, 256, 8)).toBe('av01.0.04M.08');
    expect(codecString('av1', 1920, 1080, 30)).toBe('av01.0.08M.08');
  });
});

describe('encoderConfig', () => {
  it('asks for avc-format H.264 (parameter sets out of band) as MP4 needs', () => {
    expect(encoderConfig('avc1.42e01f', 256, 256, 8).avc).toEqual({ format: 'avc' });
    expect(encoderConfig('vp09.00.10.08', 256, 256, 8).avc).toBeUndefined();
  });

  it('keeps the bitrate between 0.5 and 20 Mbit/s', () => {
    expect(targetBitrate(64, 64, 1)).toBe(500e3);
    expect(targetBitrate(1280, 720, 24)).toBe(Math.round(1280 * 720 * 24 * 0.2));
    expect(targetBitrate(4096, 4096, 60)).toBe(20e6);
  });
});

describe('chooseCodec', () => {
  it('tries families in order and returns the first the browser supports', async () => {
    const asked: string[] = [];
    const choice = await chooseCodec(256, 256, 8, ['avc', 'vp9', 'av1'], async (config) => {
      asked.push(config.codec);
      return config.codec.startsWith('vp09');
    });
    expect(asked).toEqual(['avc1.42e01f', 'vp09.00.20.08']); // 65 536 samples: over VP9 level 1's 36 864
    expect(choice).toMatchObject({ family: 'vp9', codec: 'vp09.00.20.08', config: { width: 256, height: 256, framerate: 8 } });
  });

  it('returns null when nothing is supported', async () => {
    expect(await chooseCodec(256, 256, 8, ['avc', 'av1'], async () => false)).toBeNull();
  });
});
