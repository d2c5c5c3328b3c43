// The Wan panel's words and choices.
import { describe, expect, it } from 'vitest';
import { describePlan, framesFor, hubAddress } from '../../../src/app/wan/wan_choice.ts';

describe('wan_choice', () => {
  it('turns seconds into Wan frame counts (16 fps, 4k + 1), clamped to 1–10 s', () => {
    expect(framesFor(5)).toBe(81);
    expect(framesFor(1)).toBe(17);
    expect(framesFor(0)).toBe(17);
    expect(framesFor(12)).toBe(161);
  });

  it('says what a download fetches, and what is kept already', () => {
    const parts = [
      { name: 'TAEHV decoder (taew2.1)', repo: 'r', totalBytes: 22_700_000, storedBytes: 22_700_000 },
      { name: 'Wan2.1-T2V-1.3B DiT', repo: 'r', totalBytes: 5_680_000_000, storedBytes: 0 },
    ];
    expect(describePlan({ sampler: 'flow-matching-50', parts, totalBytes: 5_702_700_000, missingBytes: 5_680_000_000 })).toBe(
      'Downloads 5.7 GB of 5.7 GB (22.7 MB already kept in this browser): TAEHV decoder (taew2.1) 22.7 MB, Wan2.1-T2V-1.3B DiT 5.7 GB.',
    );
    expect(describePlan({ sampler: 'flow-matching-50', parts, totalBytes: 10, missingBytes: 0 })).toContain('nothing to download');
  });

  it('accepts http(s) hub addresses only', () => {
    expect(hubAddress(' https://hf-mirror.com/ ')).toBe('https://hf-mirror.com');
    expect(hubAddress('javascript:alert(1)')).toBeNull();
    expect(hubAddress('not a url')).toBeNull();
  });
});
