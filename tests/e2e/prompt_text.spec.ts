// Prompt text as every check reads it (normalizePrompt), in the built app: a refused word with an
// invisible character inside is refused like the plain word, and a bidi override typed into the
// prompt reaches neither the history list nor the MP4's metadata.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { makeClip, openApp, watchForTrouble } from './create_helpers.ts';

test('a refused word with a zero-width space or soft hyphen inside is refused with the filter\'s message', async ({ page }) => {
  const trouble = watchForTrouble(page);
  await openApp(page);
  for (const prompt of ['a go\u200Bry battlefield', 'a go\u00ADry battlefield', 'a ｇｏｒｙ battlefield']) {
    await page.getByTestId('prompt').fill(prompt);
    await page.getByTestId('generate').click();
    await expect(page.getByTestId('message'), prompt).toHaveText(
      'This prompt was refused: it asks for graphic gore ("gore"). Zoetrope does not make such clips. ' +
        'Matching words come from an editable list (src/worker/prompt_filter_words.json).',
    );
    await expect(page.getByTestId('prompt')).toHaveValue(prompt); // kept to be edited
  }
  await expect(page.getByTestId('result')).toHaveCount(0);
  expect(trouble).toEqual([]);
});

test('a bidi override in the prompt garbles neither the history list nor the MP4\'s metadata', async ({ page }) => {
  await openApp(page);
  // U+202E reverses everything after it until U+202C; U+2066 starts an isolate that is never closed.
  await makeClip(page, { prompt: 'a red\u202E ball bounces\u202C \u2066on grass', seconds: 1, steps: 1 });
  const clean = 'a red ball bounces on grass';
  const item = page.getByTestId('history-item');
  await expect(item).toHaveCount(1);
  await expect(item.getByTestId('history-prompt')).toHaveText(`“${clean}”`);
  await expect(item.getByTestId('history-title')).toHaveValue(clean);
  const stored = await item.evaluate((li) => li.textContent ?? '');
  expect(stored).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);

  const url = (await page.getByTestId('result').getAttribute('data-url'))!;
  const bytes = await page.evaluate(async (u) => Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer())), url);
  const file = join(mkdtempSync(join(tmpdir(), 'zoetrope-prompt-')), 'clip.mp4');
  writeFileSync(file, Uint8Array.from(bytes));
  const tags = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', file], { encoding: 'utf8' })) as {
    format: { tags: Record<string, string> };
  };
  expect(tags.format.tags.description).toBe(clean);
  expect(tags.format.tags.comment).toMatch(new RegExp(`Prompt: ${clean}$`));
});
