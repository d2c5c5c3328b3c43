import { describe, expect, it } from 'vitest';
import { flipTheme, parseThemeChoice, readThemeChoice, resolveTheme, saveThemeChoice, THEME_STORAGE_KEY } from '../../../src/app/theme.ts';

/** A real in-memory Storage-shaped map (Node has no localStorage). */
function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
    map,
  };
}

describe('theme', () => {
  it('follows the system until a theme is chosen', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('reads only known values back; anything else means "follow the system"', () => {
    expect(parseThemeChoice('light')).toBe('light');
    expect(parseThemeChoice('dark')).toBe('dark');
    expect(parseThemeChoice(null)).toBe('system');
    expect(parseThemeChoice('<script>')).toBe('system');
  });

  it('flips what is shown', () => {
    expect(flipTheme('dark')).toBe('light');
    expect(flipTheme('light')).toBe('dark');
  });

  it('remembers a choice and forgets "system"', () => {
    const storage = memoryStorage();
    saveThemeChoice('light', storage);
    expect(storage.map.get(THEME_STORAGE_KEY)).toBe('light');
    expect(readThemeChoice(storage)).toBe('light');
    saveThemeChoice('system', storage);
    expect(storage.map.has(THEME_STORAGE_KEY)).toBe(false);
    expect(readThemeChoice(storage)).toBe('system');
  });

  it('survives storage that throws (blocked in some private modes)', () => {
    const blocked = {
      getItem: () => { throw new Error('SecurityError'); },
      setItem: () => { throw new Error('SecurityError'); },
      removeItem: () => { throw new Error('SecurityError'); },
    };
    expect(readThemeChoice(blocked)).toBe('system');
    expect(() => saveThemeChoice('dark', blocked)).not.toThrow();
  });
});
