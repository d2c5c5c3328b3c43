// Provenance written into real MP4 files (made by ffmpeg here; tests/gpu/provenance.spec.ts does
// the same on our own Mp4Writer's files) and read back: by ffprobe, by readProvenance, and the
// XMP packet by a real XML parser (Python's).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probe } from '../../support/media.ts';
import { addProvenance, Mp4FormatError, readProvenance, type Provenance } from '../../../src/video/provenance.ts';
import { buildXmp, xmlEscape, xmlUnescape } from '../../../src/video/provenance_xmp.ts';
import { normalizePrompt } from '../../../src/model/prompt_text.mjs';

const dir = mkdtempSync(join(tmpdir(), 'zoetrope-provenance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpegClip(name: string, extra: string[] = []): Uint8Array<ArrayBuffer> {
  const file = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=8', '-frames:v', '12',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', ...extra, file]);
  return new Uint8Array(readFileSync(file));
}

function write(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

function formatTags(file: string): Record<string, string> {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', file], { encoding: 'utf8' });
  return (JSON.parse(out) as { format: { tags?: Record<string, string> } }).format.tags ?? {};
}

const HOSTILE =
  'a cat </zoetrope:record><?xpacket end="w"?> & "quotes" \'apos\' <script>alert(1)</script> ]]> &amp; ' +
  'кошка 猫 🎥 e\u0301 \t tab\r\nnew line \u0001 bell\u0007 lone \uD800 surrogate';

function record(prompt = 'a red ball bounces', seed = 7): Provenance {
  return {
    aiGenerated: true,
    generator: 'Zoetrope 0.1.0',
    model: { name: 'tiny-test', version: '1' },
    seed,
    prompt,
    settings: { durationSeconds: 1.5, aspect: '16:9', steps: 4, backend: 'wasm', codec: 'avc1.42e01f' },
    createdAt: '2026-01-02T03:04:05.678Z',
  };
}

describe('addProvenance on a moov-at-end MP4', () => {
  const original = ffmpegClip('end.mp4');
  const stamped = addProvenance(original, record());
  const file = write('stamped.mp4', stamped);

  it('leaves a file ffprobe decodes with the same frames and duration', () => {
    const before = probe(write('original.mp4', original));
    expect(before.frames).toBe(12);
    expect(probe(file)).toEqual(before);
  });

  it('keeps every media byte where it was (mdat untouched, no chunk offset changes)', () => {
    const moovStart = Buffer.from(original).lastIndexOf('moov') - 4;
    expect(moovStart).toBeGreaterThan(0);
    expect(Buffer.from(stamped.subarray(0, moovStart)).equals(Buffer.from(original.subarray(0, moovStart)))).toBe(true);
  });

  it('shows ffprobe the tool, the AI statement, the prompt and the date as format tags', () => {
    const tags = formatTags(file);
    expect(tags.encoder).toBe('Zoetrope 0.1.0'); // replaces ffmpeg's own "Lavf…" tool tag
    expect(tags.comment).toBe('AI-generated video, made by Zoetrope 0.1.0 with the model tiny-test 1, seed 7. Prompt: a red ball bounces');
    expect(tags.description).toBe('a red ball bounces');
    expect(tags.date).toBe('2026-01-02T03:04:05.678Z');
  });

  it('reads back the exact record; a file without one reads as null', () => {
    expect(readProvenance(stamped)).toEqual(record());
    expect(readProvenance(original)).toBeNull();
  });

  it('replaces the record when stamped again, leaving one of each box', () => {
    const twice = addProvenance(stamped, record('a blue cube', 8));
    expect(readProvenance(twice)).toEqual(record('a blue cube', 8));
    const text = Buffer.from(twice).toString('latin1');
    expect(text.split('zoetrope:record>').length - 1).toBe(2); // one element: open and close tag
    expect(text.split('\u00a9cmt').length - 1).toBe(1);
    expect(twice.length).toBe(addProvenance(original, record('a blue cube', 8)).length);
    expect(probe(write('twice.mp4', twice)).frames).toBe(12);
  });
});

describe('hostile and non-ASCII prompts', () => {
  const stamped = addProvenance(ffmpegClip('hostile.mp4'), record(HOSTILE));

  it('come back from readProvenance as every check read them (normalizePrompt), byte for byte', () => {
    expect(readProvenance(stamped)!.prompt).toBe(normalizePrompt(HOSTILE));
    expect(readProvenance(stamped)!.prompt).toContain('<script>alert(1)</script> ]]> &amp; кошка 猫 🎥 é tab new line \u0001 bell');
  });

  it('never carry invisible characters or bidi overrides: a word reads in the metadata as it was checked', () => {
    const prompt = 'a go\u200Bre\u00AD scene \u202Edesrever\u202C \u2066isolated\u2069 \uFEFFbom w\u2060ord';
    const file = write('invisible.mp4', addProvenance(ffmpegClip('invisible-src.mp4'), record(prompt)));
    const clean = 'a gore scene desrever isolated bom word';
    expect(readProvenance(new Uint8Array(readFileSync(file)))!.prompt).toBe(clean);
    const tags = formatTags(file);
    expect(tags.description).toBe(clean);
    expect(tags.comment).toMatch(/Prompt: a gore scene desrever isolated bom word$/);
  });

  it('leave a well-formed XMP packet whose dc:description is the prompt (XML-forbidden characters as U+FFFD)', () => {
    const xmp = buildXmp(record(HOSTILE));
    const parsed = execFileSync('python3', ['-c', [
      'import sys, json, xml.etree.ElementTree as ET',
      'root = ET.fromstring(sys.stdin.buffer.read())',
      "ns = {'rdf': 'http://www.w3.org/1999/02/22-rdf-syntax-ns#', 'dc': 'http://purl.org/dc/elements/1.1/', 'z': 'urn:zoetrope:provenance:1/'}",
      "d = root.find('rdf:RDF/rdf:Description', ns)",
      "print(json.dumps({'description': d.find('dc:description/rdf:Alt/rdf:li', ns).text, 'record': d.find('z:record', ns).text, 'tool': d.get('{http://ns.adobe.com/xap/1.0/}CreatorTool')}))",
    ].join('\n')], { input: xmp, encoding: 'utf8' });
    const { description, record: json, tool } = JSON.parse(parsed) as { description: string; record: string; tool: string };
    expect(description).toBe(HOSTILE.replace(/[\u0001\u0007\uD800]/g, '\uFFFD'));
    expect((JSON.parse(json) as Provenance).prompt).toBe(HOSTILE);
    expect(tool).toBe('Zoetrope 0.1.0');
  });

  it('reach ffprobe intact as UTF-8', () => {
    const prompt = 'кошка 猫 🎥 "quoted" & <angled>';
    const tags = formatTags(write('unicode.mp4', addProvenance(ffmpegClip('unicode-src.mp4'), record(prompt))));
    expect(tags.description).toBe(prompt);
  });

  it('xmlEscape and xmlUnescape are inverses on XML-legal text', () => {
    const text = '<a href="x">&amp; \'q\' 猫\r\n</a>';
    expect(xmlEscape(text)).not.toMatch(/[<>"'\r]|&(?!(amp|lt|gt|quot|apos|#13);)/);
    expect(xmlUnescape(xmlEscape(text))).toBe(text);
  });
});

describe('files that cannot take provenance', () => {
  const original = ffmpegClip('cut.mp4');
  const moovStart = Buffer.from(original).lastIndexOf('moov') - 4;

  it.each([
    ['inside moov', () => original.length - 10],
    ['inside mdat', () => moovStart - 100],
    ['just before moov', () => moovStart],
    ['inside the moov header', () => moovStart + 5],
  ])('a file cut %s is refused with a clear error', (_, cutAt) => {
    const cut = original.subarray(0, cutAt());
    expect(() => readProvenance(cut)).toThrow(Mp4FormatError);
    expect(() => readProvenance(cut)).toThrow(/truncated|cut off|past the end of the file|no moov box/);
    expect(() => addProvenance(cut, record())).toThrow(Mp4FormatError);
  });

  it('a file with moov before mdat is refused instead of having its chunk offsets broken', () => {
    const faststart = ffmpegClip('faststart.mp4', ['-movflags', '+faststart']);
    expect(() => addProvenance(faststart, record())).toThrow(/mdat box after its moov box/);
    expect(readProvenance(faststart)).toBeNull();
  });

  it('a damaged record is reported, not returned', () => {
    const stamped = addProvenance(original, record());
    const text = Buffer.from(stamped).toString('latin1');
    // The JSON sits XML-escaped in the packet: "aiGenerated":true becomes "aiGenerated":1 (same length).
    const at = text.indexOf('aiGenerated&quot;:true') + 'aiGenerated&quot;:'.length;
    const damaged = stamped.slice();
    damaged.set(Buffer.from('1   '), at);
    expect(() => readProvenance(damaged)).toThrow(/missing fields/);
  });
});
