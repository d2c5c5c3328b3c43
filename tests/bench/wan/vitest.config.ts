// `npm run bench -- --wan` (tests/bench/run.mjs): the Wan device check in Node + Dawn, with the
// GPU tests' Vulkan set-up (a real GPU when VK_ICD_FILENAMES names its driver; lavapipe otherwise).
// The GPU tests' config with its file list replaced (mergeConfig would add to it, running every
// GPU test too), and no global setup.
import { defineConfig } from 'vitest/config';
import gpuNode from '../../gpu-node/vitest.config.ts';

export default defineConfig({ ...gpuNode, test: { ...gpuNode.test, include: ['tests/bench/wan/**/*.bench.test.ts'], globalSetup: [] } });
