// Share links on the built app: a copied link opened in a new browser context (no history, no
// state shared) fills the form, and one click makes the same frames; hostile links are refused
// with a message and nothing in them runs.
import { expect, test } from '@playwright/test';
import { probe } from '../support/media.ts';
import { decodedFramesHash, downloadFrom, makeClip, openApp, watchForTrouble } from './create_helpers.ts';

test('a copied share link, opened in a new context, fills the form and one click makes the same frames', async ({ page, context, browser, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await makeClip(page, { prompt: 'a green triangle falls down', seconds: 1, steps: 2, style: 'pixel art' });
  const seed = await page.getByTestId('seed').inputValue();
  const original = await downloadFrom(page, () => page.getByTestId('download').click());

  await page.getByTestId('copy-share-link').click();
  await expect(page.getByTestId('share-status')).toContainText('Copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  await expect(page.getByTestId('share-link')).toHaveValue(link);
  const fragment = new URL(link).hash;
  expect(fragment).toMatch(/^#v=1&p=a\+green\+triangle\+falls\+down&d=1&a=16%3A9&r=64&st=pixel\+art&s=\d+&n=2&m=tiny-test&mv=1$/);

  const other = await browser.newContext({ baseURL });
  try {
    const fresh = await other.newPage();
    const trouble = watchForTrouble(fresh);
    await openApp(fresh, link);
    await expect(fresh.getByTestId('share-notice')).toContainText('press Generate to make the same clip');
    await expect(fresh.getByTestId('prompt')).toHaveValue('a green triangle falls down');
    await expect(fresh.getByTestId('style')).toHaveValue('pixel art');
    await expect(fresh.getByTestId('steps')).toHaveValue('2');
    await expect(fresh.getByTestId('seed')).toHaveValue(seed);
    await expect(fresh.getByTestId('history-empty')).toBeVisible(); // nothing carried over but the link

    await fresh.getByTestId('generate').click(); // the one click
    await expect(fresh.getByTestId('player')).toBeVisible({ timeout: 120_000 });
    const copy = await downloadFrom(fresh, () => fresh.getByTestId('download').click());
    expect(probe(copy.path)).toEqual(probe(original.path));
    expect(decodedFramesHash(copy.path)).toBe(decodedFramesHash(original.path));
    expect(trouble).toEqual([]);
  } finally {
    await other.close();
  }
});

// Each fragment is refused; the message must name why.
const VALID = 'v=1&p=a+red+ball&d=1&a=16%3A9&r=64&st=none&s=7&n=1&m=tiny-test&mv=1';
const HOSTILE: [string, string, RegExp][] = [
  ['a script tag in the prompt', 'v=1&p=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E&d=1&a=16%3A9&r=64&st=none&s=7&n=1&m=tiny-test&mv=1', /markup or control characters/],
  ['an image with onerror', 'v=1&p=%3Cimg+src%3Dx+onerror%3D%22window.pwned%3D1%22%3E&d=1&a=16%3A9&r=64&st=none&s=7&n=1&m=tiny-test&mv=1', /markup/],
  ['markup in the model name', VALID.replace('m=tiny-test', 'm=%3Csvg+onload%3Dalert(1)%3E'), /model name “<svg onload=alert\(1\)>” is not a model name/],
  ['a javascript: aspect', VALID.replace('a=16%3A9', 'a=javascript%3Aalert(1)'), /aspect ratio must be one of 16:9, 1:1, 9:16 \(got "javascript:alert\(1\)"\)/],
  ['a huge prompt', `v=1&p=${'a'.repeat(9000)}&d=1&a=16%3A9&r=64&st=none&s=7&n=1&m=tiny-test&mv=1`, /link is too long/],
  ['a long prompt', `v=1&p=${'a'.repeat(600)}&d=1&a=16%3A9&r=64&st=none&s=7&n=1&m=tiny-test&mv=1`, /prompt is too long \(600 characters; at most 500\)/],
  ['a huge duration', VALID.replace('d=1', 'd=99999999999999999999'), /duration must be a number of seconds, more than 0 and at most 60 \(got "99999999999999999999"\)/],
  ['bad numbers', VALID.replace('s=7', 's=-1').replace('n=1', 'n=NaN'), /seed must be .* \(got "-1"\)[\s\S]*steps must be .* \(got "NaN"\)/],
  ['an exponent for a duration', VALID.replace('d=1', 'd=1e1'), /duration must be .* \(got "1e1"\)/],
  ['a word with a zero-width space inside', VALID.replace('p=a+red+ball', 'p=a+go%E2%80%8Bry+ball'), /This prompt was refused: it asks for graphic gore/],
  ['prototype-pollution keys', `${VALID}&__proto__%5Bpolluted%5D=1&constructor%5Bprototype%5D%5Bpolluted%5D=1`, /2 fields this app does not use \(“__proto__\[polluted\]”/],
  ['a repeated field', `${VALID}&p=%3Cscript%3E`, /gives the prompt more than once/],
];

test('hostile share links are refused with a message, fill nothing, and run nothing', async ({ page }) => {
  const trouble = watchForTrouble(page);
  await openApp(page);
  for (const [what, fragment, reason] of HOSTILE) {
    await page.goto(`/#${fragment}`);
    await expect(page.getByTestId('share-error'), what).toContainText('This share link was not used');
    await expect(page.getByTestId('share-error'), what).toContainText(reason);
    await expect(page.getByTestId('prompt'), what).toHaveValue('');
    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { pwned?: unknown }).pwned ?? null,
      polluted: ({} as Record<string, unknown>).polluted ?? null,
      injected: document.querySelectorAll('main script, main img[src=x], main svg[onload]').length,
    }));
    expect(state, what).toEqual({ pwned: null, polluted: null, injected: 0 });
  }
  expect(trouble).toEqual([]);

  // A flood of repeated keys: one line for the kind of problem, not one per repeat.
  await page.goto(`/#${VALID}${'&s=1'.repeat(990)}`);
  await expect(page.getByTestId('share-error').locator('li')).toHaveText(['The link gives the seed more than once.']);

  // A well-formed link for another version of the model fills the form and says the clip will differ.
  await page.goto(`/#${VALID.replace('mv=1', 'mv=2')}`);
  await expect(page.getByTestId('share-notice')).toContainText('made with version 2 of tiny-test; this page runs tiny-test version 1');
  await expect(page.getByTestId('prompt')).toHaveValue('a red ball');
  await expect(page.getByTestId('seed')).toHaveValue('7');
});
