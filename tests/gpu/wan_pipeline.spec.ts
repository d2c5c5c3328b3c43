// Wan 2.1 1.3B end to end in the browser, on its twins (models/wan/chain.py: the published file
// formats and names at the real widths, one DiT block, one umT5 block and a 384-piece vocabulary):
// downloaded from a local stand-in for the Hugging Face Hub through the model store in the engine
// worker, then prompt → umT5 (int8) → DiT → TAEHV → MP4 on both samplers, frames compared with the
// PyTorch pipeline's (same noise, same prompt tokens). Then hostile files in place of published
// ones: each refused with a clear error and not kept.
//
// SwiftShader runs it in f32 (it has no shader-f16), so the frames meet the goldens (float32) within
// their 8-bit rounding; f16, as real GPUs run it, is checked in Node (tests/gpu-node/wan_chain.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SafetensorsFile } from '../../src/model/weights.ts';
import { twinHub, type HubServer } from '../support/hub_server.ts';
import { probe } from '../support/media.ts';
import { WAN_TWINS_DIR } from '../unit/support/wan_twins_setup.ts';

type ClientModule = typeof import('../../src/worker/client.ts');

interface ChainInfo {
  prompt: string;
  seed: number;
  height: number;
  width: number;
  flow: { frames: number; steps: number; guidance: number };
  self_forcing: { frames: number; steps: number };
}

const chain = (): ChainInfo => (JSON.parse(readFileSync(join(WAN_TWINS_DIR, 'twins.json'), 'utf8')) as { chain: ChainInfo }).chain;
const goldens = () => SafetensorsFile.parse(new Uint8Array(readFileSync(join(WAN_TWINS_DIR, 'chain', 'goldens.safetensors'))), 'chain goldens');

/** Mean and largest |browser − golden| in 8-bit levels over RGB of every frame. */
function frameErrors(rgba: number[][], golden: Float32Array, height: number, width: number): { mean: number; max: number } {
  const plane = height * width;
  let sum = 0;
  let max = 0;
  rgba.forEach((frame, f) => {
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(frame[i * 4 + c]! - 255 * golden[(f * 3 + c) * plane + i]!);
        sum += d;
        max = Math.max(max, d);
      }
    }
  });
  return { mean: sum / (rgba.length * plane * 3), max };
}

let hub: HubServer;
test.beforeAll(async () => {
  hub = await twinHub();
});
test.afterAll(async () => hub.stop());

test('Wan twins from a local hub: prompt → MP4 on Self-Forcing and the base sampler, frames as PyTorch makes them', async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  const info = chain();
  await page.goto('/tests/gpu/harness.html');
  const result = await page.evaluate(async ({ hubUrl, info }) => {
    // When each phase began: the test's timeline, kept as an annotation (a software GPU takes minutes).
    const t0 = performance.now();
    const timeline: string[] = [];
    const log = (what: string) => void timeline.push(`${((performance.now() - t0) / 1000).toFixed(1)} s ${what}`);
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
    const engine = createEngineClient();
    const source = { kind: 'hub' as const, hub: hubUrl };
    const clipOf = async (sampler: 'self-forcing-4' | 'flow-matching-50', frames: number, extra: object) => {
      const rgba: number[][] = [];
      const clip = await engine.generateWan(
        { sampler, prompt: info.prompt, seed: info.seed, width: info.width, height: info.height, frames, ...extra },
        {
          onProgress: (p) => {
            if (timeline.at(-1)?.endsWith(`${sampler} ${p.phase}`)) return;
            log(`${sampler} ${p.phase}`);
          },
          onFrame: async (frame) => {
            const bytes = new Uint8Array(frame.allocationSize({ format: 'RGBA' } as VideoFrameCopyToOptions));
            await frame.copyTo(bytes, { format: 'RGBA' } as VideoFrameCopyToOptions);
            frame.close();
            rgba.push(Array.from(bytes));
          },
        },
      );
      return { rgba, mp4: Array.from(new Uint8Array(await clip.mp4.arrayBuffer())), frameCount: clip.frameCount, timings: clip.timings };
    };
    try {
      const plan = await engine.planWanDownload({ sampler: 'self-forcing-4', source });
      const phases = new Set<string>();
      let shown = '';
      const loaded = await engine.loadWan({ sampler: 'self-forcing-4', source }, (p) => {
        phases.add(p.file);
        if (p.file !== shown) log(`download ${(shown = p.file)}`);
      });
      log('loaded');
      const selfForcing = await clipOf('self-forcing-4', info.self_forcing.frames, {});
      const basePlan = await engine.planWanDownload({ sampler: 'flow-matching-50', source });
      await engine.loadWan({ sampler: 'flow-matching-50', source });
      const flow = await clipOf('flow-matching-50', info.flow.frames, { steps: info.flow.steps, guidance: info.flow.guidance });
      const kept = await engine.listModels();
      return { plan, basePlan, loaded, files: [...phases], selfForcing, flow, kept, timeline };
    } finally {
      (globalThis as { wanEngine?: unknown }).wanEngine = engine;
    }
  }, { hubUrl: hub.url, info });

  // With the hub out of reach, the parts kept in the browser load on their own.
  hub.unreachable = true;
  const offline = await page.evaluate(async (hubUrl) => {
    const engine = (globalThis as unknown as { wanEngine: import('../../src/worker/client.ts').EngineClient }).wanEngine;
    try {
      return (await engine.loadWan({ sampler: 'self-forcing-4', source: { kind: 'hub', hub: hubUrl } })).sampler;
    } catch (error) {
      return (error as Error).message;
    } finally {
      engine.terminate();
    }
  }, hub.url);
  hub.unreachable = false;
  expect(offline).toBe('self-forcing-4');

  testInfo.annotations.push({ type: 'timeline', description: result.timeline.join('; ') });
  // The plan was the listing's sizes, nothing kept yet; the base model then needs only its DiT.
  expect(result.plan.parts.map((p) => p.repo)).toEqual(['lightx2v/Autoencoders', 'gdhe17/Self-Forcing', 'Wan-AI/Wan2.1-T2V-1.3B']);
  expect(result.plan.missingBytes).toBe(result.plan.totalBytes);
  expect(result.plan.totalBytes).toBeGreaterThan(600e6);
  const baseMissing = result.basePlan.parts.filter((p) => p.storedBytes < p.totalBytes).map((p) => p.repo);
  expect(baseMissing).toEqual(['Wan-AI/Wan2.1-T2V-1.3B']);
  expect(result.basePlan.missingBytes).toBe(result.basePlan.parts[1]!.totalBytes);
  expect(result.loaded).toMatchObject({ sampler: 'self-forcing-4', layers: 1, reduced: true });
  // Every part is kept in the store, complete.
  expect(result.kept.filter((m) => m.complete).map((m) => m.name).sort()).toEqual(
    ['Self-Forcing DiT (DMD)', 'TAEHV decoder (taew2.1)', 'Wan2.1 text encoder (umT5-XXL)', 'Wan2.1-T2V-1.3B DiT'],
  );
  // The second load downloaded the base DiT and nothing it had already.
  const resolved = hub.requests.filter((r) => r.path.includes('/resolve/')).map((r) => r.path);
  expect(resolved.filter((p) => p.endsWith('taew2_1.pth'))).toHaveLength(1);
  expect(resolved.filter((p) => p.endsWith('models_t5_umt5-xxl-enc-bf16.pth'))).toHaveLength(1);

  const g = goldens();
  for (const [name, clip, frames] of [['self_forcing', result.selfForcing, info.self_forcing.frames], ['flow', result.flow, info.flow.frames]] as const) {
    expect(clip.frameCount).toBe(frames);
    expect(clip.rgba).toHaveLength(frames);
    const errors = frameErrors(clip.rgba, g.f32(`${name}.frames`), info.height, info.width);
    testInfo.annotations.push({ type: `${name} frames vs PyTorch`, description: `mean ${errors.mean.toFixed(3)}, max ${errors.max.toFixed(1)} levels` });
    // f32 on SwiftShader: within the 8-bit rounding of the frames (measured mean 0.22, max 0.5).
    expect(errors.mean).toBeLessThan(0.5);
    expect(errors.max).toBeLessThan(2);
    const file = testInfo.outputPath(`${name}.mp4`);
    writeFileSync(file, Buffer.from(clip.mp4));
    const video = probe(file);
    expect(video).toMatchObject({ width: info.width, height: info.height, frames });
  }
});

test('hostile or malformed files in place of published ones are refused, and nothing of them is kept', async ({ page }) => {
  test.setTimeout(300_000);
  const fixture = (name: string) => readFileSync(join(WAN_TWINS_DIR, 'fixtures', name));
  const taehv = readFileSync(join(WAN_TWINS_DIR, 'hub', 'lightx2v/Autoencoders', 'taew2_1.pth'));
  // A safetensors whose header claims 100 GB.
  const huge = Buffer.alloc(64);
  huge.writeBigUInt64LE(100n * 10n ** 9n, 0);
  const cases = [
    { repo: 'lightx2v/Autoencoders', path: 'taew2_1.pth', bytes: taehv.subarray(0, taehv.length >> 1), sampler: 'self-forcing-4', says: /zip|end of central directory|truncated/i },
    { repo: 'lightx2v/Autoencoders', path: 'taew2_1.pth', bytes: fixture('calls_os_system.pth'), sampler: 'self-forcing-4', says: /posix\.system|os\.system|not allowed|refuse/i },
    { repo: 'gdhe17/Self-Forcing', path: 'checkpoints/self_forcing_dmd.pt', bytes: fixture('small.pth'), sampler: 'self-forcing-4', says: /generator_ema/ },
    { repo: 'Wan-AI/Wan2.1-T2V-1.3B', path: 'diffusion_pytorch_model.safetensors', bytes: huge, sampler: 'flow-matching-50', says: /header/i },
    // Another model's DiT (ours, the tiny test model): names and shapes checked against Wan's manifest.
    { repo: 'Wan-AI/Wan2.1-T2V-1.3B', path: 'diffusion_pytorch_model.safetensors', bytes: readFileSync('models/tiny-test/dit.safetensors'), sampler: 'flow-matching-50', says: /does not match wan2\.1-t2v-1\.3b-dit's tensors/ },
  ] as const;
  await page.goto('/tests/gpu/harness.html');
  for (const c of cases) {
    hub.replace(c.repo, c.path, c.bytes);
    const outcome = await page.evaluate(async ({ hubUrl, sampler }) => {
      const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
      const engine = createEngineClient();
      try {
        await engine.loadWan({ sampler, source: { kind: 'hub', hub: hubUrl } });
        return { error: null, kept: [] as string[] };
      } catch (error) {
        const e = error as { code?: string; message: string };
        return { error: { code: e.code, message: e.message }, kept: (await engine.listModels()).map((m) => m.name) };
      } finally {
        engine.terminate();
      }
    }, { hubUrl: hub.url, sampler: c.sampler });
    hub.replace(c.repo, c.path, null);
    expect(outcome.error, c.path).not.toBeNull();
    expect(outcome.error!.code).toBe('model-invalid');
    expect(outcome.error!.message).toMatch(c.says);
    const part = c.path.endsWith('taew2_1.pth') ? 'TAEHV decoder (taew2.1)' : c.path.endsWith('.pt') ? 'Self-Forcing DiT (DMD)' : 'Wan2.1-T2V-1.3B DiT';
    expect(outcome.kept).not.toContain(part);
  }

  // Picked files: a name Wan does not publish, a malformed one, and a set missing the DiT.
  const picked = await page.evaluate(async (taehvHalf) => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
    const engine = createEngineClient();
    const attempt = async (files: File[]) => {
      try {
        await engine.loadWan({ sampler: 'self-forcing-4', source: { kind: 'files', files } });
        return null;
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
    };
    try {
      return {
        unknown: await attempt([new File(['x'], 'weights.bin')]),
        malformed: await attempt([new File([new Uint8Array(taehvHalf)], 'taew2_1.pth')]),
        missing: await attempt([new File(['{}'], 'tokenizer_config.json')]),
      };
    } finally {
      engine.terminate();
    }
  }, [...taehv.subarray(0, 4096)]);
  expect(picked.unknown).toMatchObject({ code: 'bad-request', message: expect.stringContaining("weights.bin is not one of Wan's files") });
  expect(picked.malformed).toMatchObject({ code: 'model-invalid', message: expect.stringContaining('A picked file cannot be used: taew2_1.pth') });
  expect(picked.missing).toMatchObject({ code: 'bad-request', message: expect.stringContaining('self_forcing_dmd.pt is missing') });
});
