// @ts-check
// Drives the built app in headless Chromium: opens it with `?automation` (src/main.ts then mounts
// no UI and puts the engine's worker client on `window.zoetrope`), loads the model, generates,
// and hands back the MP4's bytes. Progress events reach Node through an exposed function; the
// engine waits for each callback, so they arrive in order and before the result.
import { chromium } from 'playwright-core';
import { BASE_ARGS, findChromium, WEBGPU_ARG } from '../../tests/support/chromium.mjs';

/**
 * @typedef {{ kind: 'load', file: string, fileIndex: number, fileCount: number, loadedBytes: number, totalBytes: number }
 *   | { kind: 'progress', phase: string, fraction: number, framesDone: number, framesTotal: number }} BrowserEvent
 * @typedef {{ ok: true, model: { name: string, version: string }, clip: Record<string, unknown>, mp4: Buffer }
 *   | { ok: false, code: string, message: string, detail?: string }} RunOutcome
 */

/**
 * `media`: given files (image, endImage, extend) as base64, put into the request as bytes in the page.
 * `edit`: trims, transitions and titles run on the generated clip (edit_args.mjs), or null.
 * @param {{ appUrl: string, modelUrl: string, request: Record<string, unknown>, media?: Record<string, string>, edit?: import('./edit_args.mjs').CliEdit | null, onEvent: (event: BrowserEvent) => void }} job
 * @returns {Promise<RunOutcome>}
 */
export async function runInBrowser({ appUrl, modelUrl, request, media = {}, edit = null, onEvent }) {
  // ZOETROPE_CHROMIUM_ARGS replaces the WebGPU flag: e.g. "--enable-unsafe-webgpu --use-angle=vulkan
  // --enable-features=Vulkan" for a real GPU in headless mode on Linux, or "" for no WebGPU at all.
  const gpuFlags = process.env.ZOETROPE_CHROMIUM_ARGS?.split(/\s+/).filter(Boolean) ?? [WEBGPU_ARG];
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: [...BASE_ARGS, ...gpuFlags] });
  try {
    const page = await browser.newPage();
    /** @type {string[]} */
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.exposeFunction('zoetropeReport', onEvent);
    await page.goto(`${appUrl}/?automation`);
    await page.waitForFunction(() => 'zoetrope' in window, undefined, { timeout: 30_000 }).catch(() => {
      throw new Error(`the app did not start in Chromium${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
    });
    const outcome = await page.evaluate(async ({ modelUrl, request, media, edit }) => {
      // This function runs in the page; `window.zoetrope` is an EngineClient (src/worker/client.ts).
      const w = /** @type {any} */ (window);
      const engine = w.zoetrope;
      for (const [key, base64] of Object.entries(media)) request[key] = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      try {
        const info = await engine.loadModel(modelUrl, (/** @type {object} */ p) => w.zoetropeReport({ kind: 'load', ...p }));
        const clip = await engine.generate(request, {
          onProgress: (/** @type {object} */ p) => w.zoetropeReport({ kind: 'progress', ...p }),
        });
        // The edit: the generated clip cut into its parts, joined, titled, into a new MP4.
        if (edit) {
          const edited = await engine.edit({ clips: edit.parts.map(() => clip.mp4), trims: edit.parts, transitions: edit.transitions, titles: edit.titles });
          Object.assign(clip, { mp4: edited.mp4, frameCount: edited.frameCount });
        }
        const { mp4, ...rest } = clip;
        // Base64 through a data: URL: one string crosses to Node instead of an array of numbers.
        const dataUrl = await new Promise((done, fail) => {
          const reader = new FileReader();
          reader.onload = () => done(reader.result);
          reader.onerror = () => fail(reader.error);
          reader.readAsDataURL(mp4);
        });
        return { ok: true, model: { name: info.name, version: info.version }, clip: rest, base64: String(dataUrl).split(',')[1] ?? '' };
      } catch (error) {
        const e = /** @type {{ code?: string, message?: string, detail?: string }} */ (error);
        return { ok: false, code: e.code ?? 'internal', message: e.message ?? String(error), detail: e.detail };
      }
    }, { modelUrl, request, media, edit });
    if (!outcome.ok) return /** @type {RunOutcome} */ (outcome);
    const { base64, ...rest } = /** @type {{ base64: string, model: { name: string, version: string }, clip: Record<string, unknown> }} */ (outcome);
    return { ok: true, ...rest, mp4: Buffer.from(base64, 'base64') };
  } finally {
    await browser.close();
  }
}
