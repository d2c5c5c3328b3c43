// What a clip's provenance says: the record both of its forms in the MP4 carry, the item list
// and the XMP packet (provenance.ts, provenance_xmp.ts).

export interface Provenance {
  /** Always true: the statement this record exists to make. */
  aiGenerated: true;
  /** "Zoetrope <package version>". */
  generator: string;
  model: { name: string; version: string };
  seed: number;
  prompt: string;
  /** Everything else that shaped the clip: duration, aspect, steps, style, backend, size, codec… */
  settings: Record<string, string | number | boolean>;
  /** ISO 8601, UTC. */
  createdAt: string;
  /**
   * A storyboard's segments, in order, each with its times in seconds and its prompt (then
   * `prompt` is the whole storyboard in one line). Absent for a clip made from one prompt.
   */
  segments?: ProvenanceSegment[];
  /** Titles drawn into the frames: their text as drawn and their times in seconds. */
  titles?: { text: string; from: number; to: number }[];
  /** Every edit made after generation, in words ("clip 1 trimmed to 0.25–1 s", "crossfade of 0.5 s between clips 1 and 2"). */
  edits?: string[];
}

export interface ProvenanceSegment {
  from: number;
  to: number;
  prompt: string;
}
