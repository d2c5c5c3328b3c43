import { describe, expect, it } from 'vitest';
import { bodyStart, formatBytes, rangeHeaders } from '../../../src/store/range.ts';

describe('rangeHeaders', () => {
  it('asks for the rest of the file only when some of it is stored', () => {
    expect(rangeHeaders(0)).toEqual({});
    expect(rangeHeaders(600000)).toEqual({ Range: 'bytes=600000-' });
  });
});

describe('bodyStart', () => {
  it('reads a 206 whose Content-Range is the range asked for', () => {
    expect(bodyStart(100, 1000, 206, 'bytes 100-999/1000', '900')).toBe(100);
    expect(bodyStart(100, 1000, 206, 'bytes 100-999/*', null)).toBe(100);
  });

  it('falls back to Content-Length when Content-Range is not exposed cross-origin', () => {
    expect(bodyStart(100, 1000, 206, null, '900')).toBe(100);
    expect(bodyStart(100, 1000, 206, null, '500')).toBeNull();
    expect(bodyStart(100, 1000, 206, null, null)).toBeNull();
  });

  it('treats a 200 as the whole file: the server ignored the range', () => {
    expect(bodyStart(100, 1000, 200, null, '1000')).toBe(0);
  });

  it('distrusts a 206 for another start, end or total size', () => {
    expect(bodyStart(100, 1000, 206, 'bytes 0-999/1000', null)).toBeNull();
    expect(bodyStart(100, 1000, 206, 'bytes 100-499/1000', null)).toBeNull();
    expect(bodyStart(100, 1000, 206, 'bytes 100-999/2000', null)).toBeNull();
    expect(bodyStart(100, 1000, 206, 'garbage', null)).toBeNull();
    expect(bodyStart(100, 1000, 304, null, null)).toBeNull();
  });
});

describe('formatBytes', () => {
  it('uses decimal units with one decimal below 100', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1_871_356)).toBe('1.9 MB');
    expect(formatBytes(2_800_000_000)).toBe('2.8 GB');
    expect(formatBytes(340_000_000)).toBe('340 MB');
  });
});
