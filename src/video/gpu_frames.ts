// GPU memory → VideoFrame.
//
// Frames produced on the GPU (packed RGBA8 rows in a storage buffer) are copied into a staging
// buffer, mapped and wrapped in a VideoFrame. This is one width·height·4-byte read per finished
// frame, after the frame is done: never inside a forward pass or the sampler loop.
//
// Why not zero-copy through a WebGPU OffscreenCanvas (copy into its texture, VideoFrame(canvas))?
// Measured in headless Chromium 156 on SwiftShader, every route from a WebGPU canvas to a
// VideoFrame (VideoFrame(canvas), createImageBitmap, transferToImageBitmap, drawImage into a 2D
// canvas) gave all-zero pixels or threw, so CI could not check it. The read costs far less than
// one denoising step, and it works everywhere.

export class GpuFrameReader {
  private readonly staging: GPUBuffer;
  private readonly byteLength: number;

  constructor(
    private readonly device: GPUDevice,
    readonly width: number,
    readonly height: number,
  ) {
    this.byteLength = width * height * 4;
    this.staging = device.createBuffer({
      label: 'frame-readback',
      size: this.byteLength,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
  }

  /** A VideoFrame of the RGBA8 pixels in `pixels`, once work already submitted has written them. */
  async read(pixels: GPUBuffer, timestamp: number, duration: number): Promise<VideoFrame> {
    const encoder = this.device.createCommandEncoder({ label: 'frame-readback' });
    encoder.copyBufferToBuffer(pixels, 0, this.staging, 0, this.byteLength);
    this.device.queue.submit([encoder.finish()]);
    await this.staging.mapAsync(GPUMapMode.READ);
    try {
      // VideoFrame copies the bytes, so the staging buffer can be unmapped and reused at once.
      return new VideoFrame(new Uint8Array(this.staging.getMappedRange()), {
        format: 'RGBA',
        codedWidth: this.width,
        codedHeight: this.height,
        timestamp,
        duration,
      });
    } finally {
      this.staging.unmap();
    }
  }

  destroy(): void {
    this.staging.destroy();
  }
}
