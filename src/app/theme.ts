// Light or dark: the system's preference unless the person picked one, which is remembered.
// Pure functions plus two small browser touches (localStorage, the <html> attribute).

export type Theme = 'light' | 'dark';
/** What the toggle stores: a theme, or 'system' to follow prefers-color-scheme. */
export type ThemeChoice = Theme | 'system';

export const THEME_STORAGE_KEY = 'zoetrope.theme';

export function parseThemeChoice(stored: string | null | undefined): ThemeChoice {
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice !== 'system') return choice;
  return systemPrefersDark ? 'dark' : 'light';
}

/** The toggle flips what is shown now; after a flip the choice is explicit and remembered. */
export function flipTheme(shown: Theme): Theme {
  return shown === 'dark' ? 'light' : 'dark';
}

export function readThemeChoice(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): ThemeChoice {
  try {
    return parseThemeChoice(storage?.getItem(THEME_STORAGE_KEY));
  } catch {
    return 'system'; // storage blocked (some private modes): follow the system
  }
}

export function saveThemeChoice(choice: ThemeChoice, storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined = globalThis.localStorage): void {
  try {
    if (choice === 'system') storage?.removeItem(THEME_STORAGE_KEY);
    else storage?.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Not remembered, but the page still switches.
  }
}

/** app.css keys its colours on this attribute. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset['theme'] = theme;
}
