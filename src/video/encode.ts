// Frames in, MP4 out: WebCodecs VideoEncoder feeding the muxer as chunks appear.
//
// Frames are encoded as they are produced; nothing holds the clip's raw frames. `addFrame` waits
// while the encoder's queue is long, so a fast producer cannot pile frames up in memory.
import { EngineError } from '../errors/engine_error.ts';
import { chooseCodec, DEFAULT_CODEC_ORDER, type CodecFamily } from './codec.ts';
import { Mp4Muxer } from './mux.ts';

/** Frames allowed in the encoder's queue before addFrame waits. */
const MAX_ENCODE_QUEUE = 8;
/** A keyframe every this many seconds keeps seeking cheap in players. */
const KEYFRAME_INTERVAL_SECONDS = 2;

export interface Mp4WriterOptions {
  width: number;
  height: number;
  fps: number;
  codecs?: readonly CodecFamily[];
  /**
   * The decoder configuration box the encoder's output must have (an edit that copies some samples
   * of a clip as they are and encodes the rest: one track has one configuration). The writer fails
   * with a DescriptionMismatch when its encoder's differs.
   */
  expectDescription?: Uint8Array;
}

/** The encoder made a different decoder configuration than the samples copied beside its output. */
export class DescriptionMismatch extends Error {}

export async function isEncoderConfigSupported(config: VideoEncoderConfig): Promise<boolean> {
  try {
    return (await VideoEncoder.isConfigSupported(config)).supported === true;
  } catch {
    return false; // a malformed or unknown codec string
  }
}

export class Mp4Writer {
  private encoderError: Error | null = null;
  private framesAdded = 0;

  private constructor(
    private readonly encoder: VideoEncoder,
    private readonly muxer: Mp4Muxer,
    readonly codec: string,
    readonly family: CodecFamily,
    readonly fps: number,
    readonly width: number,
    readonly height: number,
  ) {}

  static async open({ width, height, fps, codecs = DEFAULT_CODEC_ORDER, expectDescription }: Mp4WriterOptions): Promise<Mp4Writer> {
    if (typeof VideoEncoder === 'undefined') {
      throw new EngineError(
        'codec-unsupported',
        'This browser has no WebCodecs video encoder, so it cannot save MP4 files. Use a current ' +
          'Chrome, Edge or Safari.',
      );
    }
    const choice = await chooseCodec(width, height, fps, codecs, isEncoderConfigSupported);
    if (!choice) {
      throw new EngineError(
        'codec-unsupported',
        `This browser cannot encode ${width}×${height} video at ${fps} fps in any of: ${codecs.join(', ')}. ` +
          'Try a smaller resolution.',
      );
    }
    const muxer = new Mp4Muxer(choice.family, width, height, fps);
    let writer: Mp4Writer | undefined;
    const encoder = new VideoEncoder({
      output: (chunk, meta) => {
        const description = meta?.decoderConfig?.description;
        if (expectDescription && description && !sameBytes(description, expectDescription)) {
          if (writer) writer.encoderError = new DescriptionMismatch('the encoder made another decoder configuration than the copied samples have');
          return;
        }
        muxer.addChunk(chunk, meta);
      },
      error: (error) => {
        if (writer) writer.encoderError = error;
      },
    });
    encoder.configure(choice.config);
    writer = new Mp4Writer(encoder, muxer, choice.codec, choice.family, fps, width, height);
    return writer;
  }

  /** Microseconds, as WebCodecs wants them. */
  timestampOf(frameIndex: number): number {
    return Math.round((frameIndex * 1e6) / this.fps);
  }

  get frameDuration(): number {
    return Math.round(1e6 / this.fps);
  }

  /** RGBA pixels at the writer's size as frame `frameIndex` of its grid; the caller closes it. */
  rgbaFrame(rgba: Uint8Array<ArrayBuffer>, frameIndex: number): VideoFrame {
    return new VideoFrame(rgba, {
      format: 'RGBA', codedWidth: this.width, codedHeight: this.height, timestamp: this.timestampOf(frameIndex), duration: this.frameDuration,
    });
  }

  /** Encodes RGBA pixels at the writer's size as frame `frameIndex` (a frame is made and closed here). */
  async addRgba(rgba: Uint8Array<ArrayBuffer>, frameIndex: number): Promise<void> {
    const frame = this.rgbaFrame(rgba, frameIndex);
    try {
      await this.addFrame(frame);
    } finally {
      frame.close();
    }
  }

  /**
   * Encodes `frame`; the caller still owns it (the encoder keeps its own reference). A keyframe
   * every KEYFRAME_INTERVAL_SECONDS, unless `keyFrame` says otherwise.
   */
  async addFrame(frame: VideoFrame, keyFrame = this.framesAdded % Math.max(1, Math.round(this.fps * KEYFRAME_INTERVAL_SECONDS)) === 0): Promise<void> {
    this.throwIfFailed();
    this.encoder.encode(frame, { keyFrame });
    this.framesAdded += 1;
    while (this.encoder.encodeQueueSize > MAX_ENCODE_QUEUE) {
      await new Promise((resolve) => this.encoder.addEventListener('dequeue', resolve, { once: true }));
      this.throwIfFailed();
    }
  }

  /** Waits until every frame given so far is encoded and in the file (before copied samples follow them). */
  async flushEncoder(): Promise<void> {
    this.throwIfFailed();
    try {
      await this.encoder.flush();
    } catch (cause) {
      throw this.failure(cause);
    }
    this.throwIfFailed();
  }

  /** A sample of another file with the same decoder configuration, placed as it is at frame `frameIndex`. */
  addCopiedSample(data: Uint8Array, keyFrame: boolean, frameIndex: number, meta?: EncodedVideoChunkMetadata): void {
    this.throwIfFailed();
    this.muxer.addSample(data, keyFrame, this.timestampOf(frameIndex), this.frameDuration, meta);
  }

  /** Flushes the encoder and returns the finished file. */
  async finish(): Promise<Blob> {
    await this.flushEncoder();
    this.encoder.close();
    return this.muxer.finish();
  }

  /** Drops the clip (on cancel or error); safe to call more than once. */
  abort(): void {
    if (this.encoder.state !== 'closed') this.encoder.close();
  }

  private throwIfFailed(): void {
    if (this.encoderError instanceof DescriptionMismatch) {
      this.abort();
      throw this.encoderError;
    }
    if (this.encoderError) throw this.failure(this.encoderError);
  }

  private failure(cause: unknown): EngineError {
    this.abort();
    return new EngineError(
      'encoder-failed',
      'The video encoder stopped with an error. Try again, or a smaller resolution.',
      cause instanceof Error ? cause.message : String(cause),
    );
  }
}

/** Whether two byte sources (a decoder configuration box, say) hold the same bytes. */
export function sameBytes(a: AllowSharedBufferSource, b: Uint8Array): boolean {
  const x = a instanceof Uint8Array ? a : ArrayBuffer.isView(a) ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength) : new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
}
