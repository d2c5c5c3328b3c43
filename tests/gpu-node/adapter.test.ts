// The environment check: the f16 kernel tests in this folder mean something only if the adapter
// really runs f16 shaders. When the config picked lavapipe (ZOETROPE_NODE_GPU, set in
// ./vitest.config.ts) it must be lavapipe and not some other driver the loader found.
import { expect, test } from 'vitest';
import { adapterName } from '../../src/gpu/device.ts';
import { nodeGpu, SETUP_HINT } from '../support/dawn.ts';

test('the Node WebGPU adapter has shader-f16 (and is lavapipe when the config chose it)', async () => {
  const { report } = await nodeGpu();
  console.log(`adapter: ${adapterName(report.adapter)} — ${JSON.stringify(report)}`);
  if (process.env.ZOETROPE_NODE_GPU === 'lavapipe') {
    const { vendor, architecture, device, description } = report.adapter;
    expect(`${vendor} ${architecture} ${device} ${description}`, `not lavapipe. ${SETUP_HINT}`).toMatch(/llvmpipe|lavapipe/i);
  }
  expect(report.features['shader-f16'], `the adapter lacks shader-f16. ${SETUP_HINT}`).toBe(true);
});
