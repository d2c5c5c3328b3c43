// The Wan twins' files as the tests read them: the checkpoint files as Blobs backed by the file
// on disk (read piece by piece, as a picked File is in the browser), goldens and manifests parsed.
import { existsSync, openAsBlob, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WeightManifest } from '../../../src/model/checkpoint/manifest.ts';
import { SafetensorsFile } from '../../../src/model/weights.ts';
import { WAN_TWINS_DIR } from './wan_twins_setup.ts';

export interface Twin {
  dir: string;
  manifest: string;
  files: string[];
  format: 'safetensors' | 'pth';
  container: string | null;
  layers: number | null;
  shapes: Record<string, number[]>;
  dtype: 'F32' | 'F16' | 'BF16';
  config: Record<string, unknown>;
}

export function wanTwin(name: string): Twin {
  const path = join(WAN_TWINS_DIR, 'twins.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: run /usr/bin/python3 models/wan/make_twins.py`);
  const twin = (JSON.parse(readFileSync(path, 'utf8')) as { twins: Record<string, Twin> }).twins[name];
  if (!twin) throw new Error(`no twin ${name} in ${path}`);
  return twin;
}

export const twinFile = (twin: Twin, file: string): Promise<Blob> => openAsBlob(join(WAN_TWINS_DIR, twin.dir, file));

export const twinGoldens = (twin: Twin): SafetensorsFile =>
  SafetensorsFile.parse(new Uint8Array(readFileSync(join(WAN_TWINS_DIR, twin.dir, 'goldens.safetensors'))), `${twin.dir} goldens`);

export const wanManifest = (name: string): WeightManifest => JSON.parse(readFileSync(join('models/wan/manifests', `${name}.json`), 'utf8')) as WeightManifest;

/** A small file of fixtures/ (checkpoint_fixtures.py), in memory. */
export const fixtureBytes = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(join(WAN_TWINS_DIR, 'fixtures', name)));

export const fixtureBlob = (name: string): Blob => new Blob([fixtureBytes(name)]);
