// Checking MP4 files the way an ordinary player sees them: with Debian's ffprobe and ffmpeg.
import { execFileSync } from 'node:child_process';

export interface ProbedVideo {
  codec: string;
  width: number;
  height: number;
  /** Frames actually decoded (ffprobe -count_frames), not the container's claim. */
  frames: number;
  durationSeconds: number;
}

export function probe(file: string): ProbedVideo {
  const json = execFileSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries',
      'stream=codec_name,width,height,nb_read_frames:format=duration', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  const parsed = JSON.parse(json) as {
    streams: { codec_name: string; width: number; height: number; nb_read_frames: string }[];
    format: { duration: string };
  };
  const stream = parsed.streams[0];
  if (!stream) throw new Error(`${file} has no video stream`);
  return {
    codec: stream.codec_name,
    width: stream.width,
    height: stream.height,
    frames: Number(stream.nb_read_frames),
    durationSeconds: Number(parsed.format.duration),
  };
}

/** Decodes frame `index` with ffmpeg and returns it as packed RGB24. */
export function decodeFrameRgb(file: string, index: number): Buffer {
  return execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

/** Decodes every frame with ffmpeg, in order, each as packed RGB24 of width × height. */
export function decodeAllFramesRgb(file: string, width: number, height: number): Buffer[] {
  const all = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 256 * 1024 * 1024 });
  const size = width * height * 3;
  if (all.length % size !== 0) throw new Error(`${file} decoded to ${all.length} bytes, not whole ${width}×${height} frames`);
  return Array.from({ length: all.length / size }, (_, i) => all.subarray(i * size, (i + 1) * size));
}

/** Mean RGB over a rectangle of a packed RGB24 image. */
export function meanRgb(
  rgb: Buffer,
  width: number,
  rect: { x0: number; y0: number; x1: number; y1: number },
): [number, number, number] {
  const sum = [0, 0, 0];
  let count = 0;
  for (let y = rect.y0; y < rect.y1; y++) {
    for (let x = rect.x0; x < rect.x1; x++) {
      const i = (y * width + x) * 3;
      sum[0]! += rgb[i]!;
      sum[1]! += rgb[i + 1]!;
      sum[2]! += rgb[i + 2]!;
      count++;
    }
  }
  return [sum[0]! / count, sum[1]! / count, sum[2]! / count];
}
