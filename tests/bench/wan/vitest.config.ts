// `npm run bench -- --wan` (tests/bench/run.mjs): the Wan device check in Node + Dawn, with the
// GPU tests' Vulkan set-up (a real GPU when VK_ICD_FILENAMES names its driver; lavapipe otherwise).
import { defineConfig, mergeConfig } from 'vitest/config';
import gpuNode from '../../gpu-node/vitest.config.ts';

export default mergeConfig(gpuNode, defineConfig({ test: { include: ['tests/bench/wan/**/*.bench.test.ts'], globalSetup: [] } }));
