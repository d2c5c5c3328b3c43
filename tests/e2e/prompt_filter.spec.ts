// The prompt filter as a person meets it in the built app: a refused prompt gets the filter's
// message, nothing is generated, and the prompt stays in the box to be edited.
import { expect, test } from '@playwright/test';

test('a refused prompt shows the filter\'s message and the form keeps the prompt', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const prompt = 'a gory battlefield at dawn';
  await page.getByTestId('prompt').fill(prompt);
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('message')).toHaveText(
    'This prompt was refused: it asks for graphic gore ("gore"). Zoetrope does not make such clips. ' +
      'Matching words come from an editable list (src/worker/prompt_filter_words.json).',
  );
  await expect(page.getByTestId('prompt')).toHaveValue(prompt);
  await expect(page.getByTestId('result')).toHaveCount(0);
  await expect(page.getByTestId('generate')).toBeEnabled(); // ready for the edited prompt
});
