// Helpers for the given-media browser tests, on the Node side: comparing RGBA8 frames over their
// RGB values (alpha is always 255 in our frames), and running work in a fresh harness page.

/** Largest and mean |a − b| over the RGB values of two RGBA8 images of the same size. */
export function rgbDiff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number } {
  if (a.length !== b.length) throw new Error(`images differ in size: ${a.length} and ${b.length} bytes`);
  let max = 0;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    sum += d;
    count++;
  }
  return { max, mean: sum / count };
}

/**
 * Loads the GPU harness and runs `work` there. The Vite dev server may reload the page mid-run (a
 * dependency discovered on first import, or a source file saved meanwhile: "Execution context was
 * destroyed"); then the page is loaded again and the work retried, at most twice.
 */
export async function inFreshPage<T>(page: import('@playwright/test').Page, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await page.goto('/tests/gpu/harness.html');
    try {
      return await work();
    } catch (error) {
      if (attempt >= 2 || !/Execution context was destroyed/.test(String(error))) throw error;
      console.log('the dev server reloaded the page mid-run; retrying');
    }
  }
}
