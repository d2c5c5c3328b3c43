// Test-pattern frames as VideoFrames, drawn by a compute shader on the GPU or in CPU memory.
import source from '../../shaders/test_pattern.wgsl?raw';
import { createStorage } from '../gpu/buffers.ts';
import { defineKernel, dispatchKernel } from '../gpu/kernel.ts';
import { GpuFrameReader } from './gpu_frames.ts';
import { PALETTE, testPatternRgba } from './test_pattern.ts';

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

// Params struct: three u32 and padding, then the palette as vec4<f32> (16-byte aligned).
const PARAMS_HEADER_BYTES = 16;
const PARAMS_BYTES = PARAMS_HEADER_BYTES + PALETTE.length * 16;

/** Draws test-pattern frames on the GPU and hands them out as VideoFrames. */
export class GpuTestPattern {
  private readonly params: GPUBuffer;
  private readonly pixels: GPUBuffer;
  private readonly reader: GpuFrameReader;

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
    this.pixels = createStorage(device, width * height * 4, 'test_pattern.pixels');
    this.reader = new GpuFrameReader(device, width, height);
    const palette = new Float32Array(PALETTE.flatMap(([r, g, b]) => [r / 255, g / 255, b / 255, 1]));
    device.queue.writeBuffer(this.params, PARAMS_HEADER_BYTES, palette);
  }

  frame(index: number, timestamp: number, duration: number): Promise<VideoFrame> {
    const header = new Uint32Array([index, this.width, this.height, 0]);
    this.device.queue.writeBuffer(this.params, 0, header);

    const encoder = this.device.createCommandEncoder({ label: 'test_pattern' });
    const pass = encoder.beginComputePass({ label: 'test_pattern' });
    const params = { width: this.width, height: this.height };
    dispatchKernel(this.device, pass, testPatternKernel, params, { params: this.params, pixels: this.pixels });
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    return this.reader.read(this.pixels, timestamp, duration);
  }

  destroy(): void {
    this.params.destroy();
    this.pixels.destroy();
    this.reader.destroy();
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
