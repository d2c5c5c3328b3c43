// The demuxer against ffprobe's own reading of files ffmpeg wrote: every packet's byte position,
// size, timestamps and key flag must agree, for H.264 with and without B-frames (ctts) and VP9.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demuxVideoTrack, Mp4FormatError } from '../../../src/video/demux.ts';

const dir = mkdtempSync(join(tmpdir(), 'zoetrope-demux-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeClip(name: string, codecArgs: string[], frames = 30, size = '96x64'): Uint8Array<ArrayBuffer> {
  const file = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=12`, '-frames:v', String(frames),
    ...codecArgs, '-pix_fmt', 'yuv420p', file]);
  const bytes = readFileSync(file);
  return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as Uint8Array<ArrayBuffer>;
}

interface ProbedPacket { pos: string; size: string; pts: number; dts: number; duration: number; flags: string }

function packets(name: string): { packets: ProbedPacket[]; profile: string; level: number } {
  const file = join(dir, name);
  const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_packets',
    '-show_entries', 'packet=pos,size,pts,dts,duration,flags:stream=profile,level', '-of', 'json', file], { encoding: 'utf8' })) as
    { packets: ProbedPacket[]; streams: { profile: string; level: number }[] };
  return { packets: out.packets, profile: out.streams[0]!.profile, level: out.streams[0]!.level };
}

function expectSameAsFfprobe(name: string, bytes: Uint8Array<ArrayBuffer>) {
  const track = demuxVideoTrack(bytes);
  const probed = packets(name).packets;
  expect(track.samples.length).toBe(probed.length);
  // ffprobe lists packets in decode order, as the sample table does.
  for (const [i, sample] of track.samples.entries()) {
    const packet = probed[i]!;
    expect(sample.offset).toBe(Number(packet.pos));
    expect(sample.size).toBe(Number(packet.size));
    expect(sample.keyFrame).toBe(packet.flags.startsWith('K'));
    // ffprobe shifts timestamps by the edit list; differences between samples must match exactly.
    expect(sample.pts - track.samples[0]!.pts).toBe(packet.pts - probed[0]!.pts);
    expect(sample.dts - track.samples[0]!.dts).toBe(packet.dts - probed[0]!.dts);
  }
  return track;
}

describe('demuxVideoTrack', () => {
  it('reads an H.264 file without B-frames sample for sample as ffprobe does', () => {
    const bytes = makeClip('avc.mp4', ['-c:v', 'libx264', '-bf', '0', '-g', '12', '-profile:v', 'baseline', '-level', '3.0']);
    const track = expectSameAsFfprobe('avc.mp4', bytes);
    expect(track.config.codec).toBe('avc1.42c01e'); // baseline (constrained), level 3.0
    expect(track.config.codedWidth).toBe(96);
    expect(track.config.codedHeight).toBe(64);
    expect(track.config.description?.[0]).toBe(1); // avcC configurationVersion
    expect(track.samples.filter((s) => s.keyFrame).length).toBe(3); // a keyframe every 12 of 30
    expect(track.timescale).toBeGreaterThan(0);
  });

  it('reads composition offsets (ctts) of a file with B-frames', () => {
    const bytes = makeClip('bframes.mp4', ['-c:v', 'libx264', '-bf', '2', '-profile:v', 'high']);
    const track = expectSameAsFfprobe('bframes.mp4', bytes);
    expect(track.samples.some((s) => s.pts !== s.dts)).toBe(true);
    expect(track.config.codec.startsWith('avc1.64')).toBe(true); // High profile
  });

  it('reads VP9 in MP4 with a vp09 codec string', () => {
    const bytes = makeClip('vp9.mp4', ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k'], 12);
    const track = expectSameAsFfprobe('vp9.mp4', bytes);
    expect(track.config.codec).toMatch(/^vp09\.00\.\d\d\.08$/);
  });

  it('reads files whose moov comes first (faststart) and whose moov comes last alike', () => {
    const last = makeClip('last.mp4', ['-c:v', 'libx264', '-bf', '0']);
    const first = makeClip('first.mp4', ['-c:v', 'libx264', '-bf', '0', '-movflags', '+faststart']);
    const a = demuxVideoTrack(last);
    const b = demuxVideoTrack(first);
    expect(b.samples.map((s) => s.size)).toEqual(a.samples.map((s) => s.size));
    expect(b.samples[0]!.offset).not.toBe(a.samples[0]!.offset);
  });

  it('refuses a cut-off file and a file that is not an MP4 with a clear error', () => {
    const bytes = makeClip('cut.mp4', ['-c:v', 'libx264', '-bf', '0', '-movflags', '+faststart']);
    const cut = bytes.slice(0, Math.floor(bytes.length * 0.6));
    expect(() => demuxVideoTrack(cut)).toThrow(Mp4FormatError);
    expect(() => demuxVideoTrack(cut)).toThrow(/cut off|past the end/);
    expect(() => demuxVideoTrack(new TextEncoder().encode('<html>not a video</html>') as Uint8Array<ArrayBuffer>)).toThrow(Mp4FormatError);
  });
});
