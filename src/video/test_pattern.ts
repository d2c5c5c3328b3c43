// The synthetic test pattern (shaders/test_pattern.wgsl): frames with known content for tests
// and the developer page. Never presented as generation.
//
// Quadrant q of frame f is PALETTE[(f + q) % PALETTE.length]; quadrants are split at
// floor(width/2) and floor(height/2), q = (x ≥ w/2) + 2·(y ≥ h/2).
import source from '../../shaders/test_pattern.wgsl?raw';
import { createStorage } from '../gpu/buffers.ts';
import { defineKernel, dispatchKernel } from '../gpu/kernel.ts';
import { alignedBytesPerRow, GpuFrameCanvas } from './gpu_frames.ts';

export type Rgb = readonly [number, number, number];

/** Mid-range colours: far from 0 and 255 so limited-range YUV coding does not clip them. */
export const PALETTE: readonly Rgb[] = [
  [220, 40, 40],
  [40, 200, 60],
  [40, 70, 220],
  [230, 210, 50],
  [50, 200, 210],
  [200, 60, 200],
];

export function quadrantColour(frame: number, quadrant: number): Rgb {
  return PALETTE[(frame + quadrant) % PALETTE.length]!;
}

/** CPU reference and CPU frame source: the frame as RGBA8, tightly packed. */
export function testPatternRgba(frame: number, width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(width * height * 4);
  const halfW = Math.floor(width / 2);
  const halfH = Math.floor(height / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = quadrantColour(frame, (x >= halfW ? 1 : 0) + (y >= halfH ? 2 : 0));
      const i = (y * width + x) * 4;
      rgba[i] = r;
      rgba[i + 1] = g;
      rgba[i + 2] = b;
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

interface PatternParams {
  width: number;
  height: number;
}

const WORKGROUP_SIZE = 8;

const testPatternKernel = defineKernel({
  name: 'test_pattern',
  code: source,
  entryPoint: 'main',
  bindings: [
    ['params', 'uniform'],
    ['pixels', 'storage'],
  ] as const,
  overrides: () => ({ WORKGROUP_SIZE }),
  grid: (p: PatternParams) => [Math.ceil(p.width / WORKGROUP_SIZE), Math.ceil(p.height / WORKGROUP_SIZE)],
});

// Params struct: four u32, then the palette as vec4<f32> (16-byte aligned).
const PARAMS_HEADER_BYTES = 16;
const PARAMS_BYTES = PARAMS_HEADER_BYTES + PALETTE.length * 16;

/** Draws test-pattern frames on the GPU and hands them out as VideoFrames. */
export class GpuTestPattern {
  private readonly params: GPUBuffer;
  private readonly pixels: GPUBuffer;
  private readonly canvas: GpuFrameCanvas;

  constructor(
    private readonly device: GPUDevice,
    readonly width: number,
    readonly height: number,
  ) {
    this.params = device.createBuffer({
      label: 'test_pattern.params',
      size: PARAMS_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.pixels = createStorage(device, alignedBytesPerRow(width) * height, 'test_pattern.pixels');
    this.canvas = new GpuFrameCanvas(device, width, height);
    const palette = new Float32Array(PALETTE.flatMap(([r, g, b]) => [r / 255, g / 255, b / 255, 1]));
    device.queue.writeBuffer(this.params, PARAMS_HEADER_BYTES, palette);
  }

  frame(index: number, timestamp: number, duration: number): VideoFrame {
    const header = new Uint32Array([index, this.width, this.height, alignedBytesPerRow(this.width) / 4]);
    this.device.queue.writeBuffer(this.params, 0, header);

    const encoder = this.device.createCommandEncoder({ label: 'test_pattern' });
    const pass = encoder.beginComputePass({ label: 'test_pattern' });
    const params = { width: this.width, height: this.height };
    dispatchKernel(this.device, pass, testPatternKernel, params, { params: this.params, pixels: this.pixels });
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    return this.canvas.frameFromBuffer(this.pixels, timestamp, duration);
  }

  destroy(): void {
    this.params.destroy();
    this.pixels.destroy();
  }
}

/** The same frames drawn in CPU memory. */
export function cpuTestPatternFrame(
  index: number,
  width: number,
  height: number,
  timestamp: number,
  duration: number,
): VideoFrame {
  return new VideoFrame(testPatternRgba(index, width, height), {
    format: 'RGBA',
    codedWidth: width,
    codedHeight: height,
    timestamp,
    duration,
  });
}
