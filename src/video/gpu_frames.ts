// GPU memory → VideoFrame without a trip through the CPU.
//
// Frames produced on the GPU (RGBA8 rows in a storage buffer) are copied straight into the
// current texture of a WebGPU-configured OffscreenCanvas, and a VideoFrame is made from that
// canvas. The encoder and the preview both read it there; no byte crosses to JavaScript.

/** copyBufferToTexture needs each row to start on a 256-byte boundary. */
export const ROW_ALIGNMENT_BYTES = 256;

export function alignedBytesPerRow(width: number): number {
  return Math.ceil((width * 4) / ROW_ALIGNMENT_BYTES) * ROW_ALIGNMENT_BYTES;
}

export class GpuFrameCanvas {
  private readonly canvas: OffscreenCanvas;
  private readonly context: GPUCanvasContext;

  constructor(
    private readonly device: GPUDevice,
    readonly width: number,
    readonly height: number,
  ) {
    this.canvas = new OffscreenCanvas(width, height);
    const context = this.canvas.getContext('webgpu');
    if (!context) throw new Error('OffscreenCanvas has no WebGPU context in this browser');
    context.configure({
      device,
      format: 'rgba8unorm',
      usage: GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT,
      alphaMode: 'opaque',
    });
    this.context = context;
  }

  /**
   * A VideoFrame of the RGBA8 pixels in `pixels` (rows of `alignedBytesPerRow(width)` bytes).
   * Work already submitted to the queue that writes `pixels` is ordered before the copy.
   */
  frameFromBuffer(pixels: GPUBuffer, timestamp: number, duration: number): VideoFrame {
    const encoder = this.device.createCommandEncoder({ label: 'frame-to-canvas' });
    encoder.copyBufferToTexture(
      { buffer: pixels, bytesPerRow: alignedBytesPerRow(this.width), rowsPerImage: this.height },
      { texture: this.context.getCurrentTexture() },
      [this.width, this.height],
    );
    this.device.queue.submit([encoder.finish()]);
    return new VideoFrame(this.canvas, { timestamp, duration, alpha: 'discard' });
  }
}
