// Kernel and runtime tests on WebGPU in Node: Dawn (npm `webgpu`) over Vulkan, which on a machine
// without a GPU is Mesa 25 lavapipe, the one CPU adapter here with `shader-f16`. This is where the
// f16 kernel variants are checked in CI (headless Chromium's SwiftShader has no f16).
//
//   tests/support/lavapipe.sh                               # once: fetch lavapipe into .cache/
//   npx vitest run -c tests/gpu-node/vitest.config.ts
//
// With VK_ICD_FILENAMES already set (e.g. to a real GPU's Vulkan driver), that driver is used as is.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));
const lavapipeEnv = `${root}.cache/lavapipe/env.json`;

// The Vulkan loader reads VK_ICD_FILENAMES when Dawn starts, but the dynamic linker reads
// LD_LIBRARY_PATH only when a process starts, so setting it inside a test would be too late for
// lavapipe's libraries. Setting both here, in the parent process, hands them to the test
// worker: a child process forked after this runs inherits process.env.
if (!process.env.VK_ICD_FILENAMES && existsSync(lavapipeEnv)) {
  const env = JSON.parse(readFileSync(lavapipeEnv, 'utf8')) as Record<'VK_ICD_FILENAMES' | 'LD_LIBRARY_PATH', string>;
  process.env.VK_ICD_FILENAMES = env.VK_ICD_FILENAMES;
  process.env.LD_LIBRARY_PATH = [env.LD_LIBRARY_PATH, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  // Tells tests/gpu-node/adapter.test.ts which adapter to insist on.
  process.env.ZOETROPE_NODE_GPU = 'lavapipe';
}

export default defineConfig({
  root,
  test: {
    include: ['tests/gpu-node/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['tests/gpu-node/setup.ts'],
    // The Wan twins (models/wan/make_twins.py) that the wan_* tests load; returns at once when up to date.
    globalSetup: ['tests/unit/support/wan_twins_setup.ts'],
    // One process, one file at a time: lavapipe already spreads a dispatch over every core, and
    // on a 2-core machine shared with other work, parallel GPU test files only thrash.
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    // Software Vulkan compiles each pipeline through LLVM: seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
