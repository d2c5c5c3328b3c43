// The codec string of a stitched clip, for its history facts. Engine.stitch does not name it:
// copied samples keep the first clip's codec; re-encoded ones carry whatever the encoder chose,
// read back from the new file's sample entry.
import { demuxVideoTrack } from '../video/demux.ts';
import type { StitchedClip } from '../worker/api.ts';

export async function stitchedCodec(stitched: Pick<StitchedClip, 'mp4' | 'reencoded'>, firstCodec: string): Promise<string> {
  if (!stitched.reencoded) return firstCodec;
  try {
    return demuxVideoTrack(new Uint8Array(await stitched.mp4.arrayBuffer())).config.codec;
  } catch {
    return 'unknown';
  }
}
