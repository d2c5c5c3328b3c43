import { describe, expect, it } from 'vitest';
import { findChromium } from '../../support/chromium.mjs';

describe('findChromium', () => {
  it('prefers CHROMIUM_PATH and fails clearly when it points nowhere', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
    expect(() => findChromium({ CHROMIUM_PATH: '/nonexistent/chrome' })).toThrow('CHROMIUM_PATH is set to /nonexistent/chrome');
  });
});
