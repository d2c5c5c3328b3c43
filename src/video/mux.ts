// MP4 container around encoded chunks (mp4-muxer).
//
// Metadata goes at the end of the file (fastStart: false): each chunk is written out as it
// arrives, so the muxer never holds the clip's chunks, only the growing file. Ordinary players
// and browsers read moov-at-end files from disk and from Blob URLs alike.
import { ArrayBufferTarget, Muxer } from 'mp4-muxer';
import type { CodecFamily } from './codec.ts';

export class Mp4Muxer {
  private readonly muxer: Muxer<ArrayBufferTarget>;

  constructor(family: CodecFamily, width: number, height: number, fps: number) {
    this.muxer = new Muxer({
      target: new ArrayBufferTarget(),
      video: { codec: family, width, height, frameRate: fps },
      fastStart: false,
    });
  }

  addChunk(chunk: EncodedVideoChunk, meta: EncodedVideoChunkMetadata | undefined): void {
    this.muxer.addVideoChunk(chunk, meta);
  }

  /** A sample taken as it is from another file (re-muxing without re-encoding); times in µs. */
  addSample(data: Uint8Array, keyFrame: boolean, timestamp: number, duration: number, meta?: EncodedVideoChunkMetadata): void {
    this.muxer.addVideoChunkRaw(data, keyFrame ? 'key' : 'delta', timestamp, duration, meta);
  }

  finish(): Blob {
    this.muxer.finalize();
    return new Blob([this.muxer.target.buffer], { type: 'video/mp4' });
  }
}
