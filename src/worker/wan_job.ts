// Wan 2.1 1.3B in the worker: its parts fetched through the model store (from the Hub or a mirror)
// or taken from files the person picked, checked before anything is kept, and a WanRuntime that
// makes clips from them (sampler/wan_clip.ts).
//
// Every file is opened and checked against its manifest as soon as it is in hand (headers only:
// the zip directory and pickle of a .pth, a safetensors header); a file that fails is refused with
// the reader's error and its part is deleted from the store, so nothing unusable stays cached.
// The weights are read from the Blobs when each phase first needs them (wan_models.ts).
import type { GpuContext } from '../gpu/device.ts';
import { Constants } from '../model/constants.ts';
import { Umt5Tokenizer } from '../model/umt5_tokenizer.ts';
import type { WanSampler } from '../model/wan_fit.ts';
import { checkWanFile, openWanFile, loadTaehvFile, loadUmt5File, loadWanDitFile, wanDitConfig, WAN_DIT_CONFIG, type WanWeightFile } from '../model/wan_models.ts';
import type { DitConfig } from '../model/config.ts';
import { WeightsFormatError } from '../model/weights.ts';
import { WanRuntime } from '../sampler/wan_clip.ts';
import { hubModelInfo, type HubListing } from '../store/hub_listing.ts';
import type { LoadProgress, ModelStore } from '../store/model_cache.ts';
import { EngineError, isEngineError } from './errors.ts';
import { DEFAULT_HUB, partsFor, pickedFileRole, WAN_FILES, WAN_PART_SOURCES, type WanPartName, type WanPartSource } from './wan_sources.ts';

/** Where a Wan model's files come from. */
export type WanSource =
  /** Downloaded through the store from a Hugging Face Hub (default huggingface.co) or a mirror of it. */
  | { kind: 'hub'; hub?: string }
  /** Files on this device the person picked or dropped, matched by name (nothing is copied into the store). */
  | { kind: 'files'; files: File[] };

export interface WanLoadRequest {
  sampler: WanSampler;
  source: WanSource;
}

export interface WanPartPlan {
  name: string;
  repo: string;
  totalBytes: number;
  /** Bytes of it this browser already keeps. */
  storedBytes: number;
}

/** What loading would download, for the person to confirm first. */
export interface WanDownloadPlan {
  sampler: WanSampler;
  parts: WanPartPlan[];
  totalBytes: number;
  /** What is not stored yet: the download. */
  missingBytes: number;
}

export interface WanLoaded {
  sampler: WanSampler;
  /** Blocks of the DiT (30 published; fewer in a reduced test checkpoint). */
  layers: number;
  reduced: boolean;
  bytes: number;
}

/** The files of one Wan model, as Blobs, by role. */
type WanBlobs = Partial<Record<keyof typeof WAN_FILES, Blob>>;

const hubOf = (source: WanSource) => (source.kind === 'hub' ? (source.hub ?? DEFAULT_HUB) : null);

async function listing(hub: string, part: WanPartSource, signal?: AbortSignal) {
  return hubModelInfo({ hub, repo: part.repo, revision: part.revision, name: part.name, version: `${part.repo}@${part.revision}`, paths: part.paths }, signal);
}

/**
 * The part's file list from the hub or, when the hub cannot be reached, as saved with a part this
 * browser keeps whole: so a downloaded model loads offline.
 */
async function listingOrKept(store: ModelStore, hub: string, part: WanPartSource, signal?: AbortSignal): Promise<HubListing> {
  try {
    return await listing(hub, part, signal);
  } catch (error) {
    if (!isEngineError(error, 'model-fetch-failed')) throw error;
    const kept = (await store.list()).find((m) => m.name === part.name && m.complete);
    const info = kept ? await store.storedInfo(part.name) : null;
    if (!kept || !info) throw error;
    return { info, urlOf: (file) => new URL(file.path, kept.manifestUrl).href };
  }
}

/** What downloading `request` from the hub would fetch and what this browser already keeps. */
export async function planWanDownload(store: ModelStore, request: WanLoadRequest, signal?: AbortSignal): Promise<WanDownloadPlan> {
  const hub = hubOf(request.source);
  if (!hub) throw new EngineError('bad-request', 'Only a download has a plan: picked files are read where they are.');
  const parts: WanPartPlan[] = [];
  for (const part of partsFor(request.sampler)) {
    const { info } = await listingOrKept(store, hub, part, signal);
    parts.push({ name: part.name, repo: part.repo, totalBytes: info.totalBytes, storedBytes: await store.storedBytes(info) });
  }
  const totalBytes = parts.reduce((sum, p) => sum + p.totalBytes, 0);
  return { sampler: request.sampler, parts, totalBytes, missingBytes: totalBytes - parts.reduce((sum, p) => sum + p.storedBytes, 0) };
}

/** Each part's files from the store (downloading what is missing), checked as they arrive. */
async function downloadParts(
  store: ModelStore,
  hub: string,
  sampler: WanSampler,
  onProgress: ((progress: LoadProgress) => void) | undefined,
  signal: AbortSignal,
): Promise<WanBlobs> {
  const blobs: WanBlobs = {};
  for (const part of partsFor(sampler)) {
    const { info, urlOf } = await listingOrKept(store, hub, part, signal);
    const files = await store.loadBlobs(info, urlOf, onProgress, signal);
    const found: WanBlobs = {};
    for (const [path, blob] of files) {
      const role = (Object.keys(WAN_FILES) as (keyof typeof WAN_FILES)[]).find((r) => WAN_FILES[r] === path);
      if (role) found[role] = blob;
    }
    try {
      await checkFiles(found);
    } catch (error) {
      // A file that cannot be used is not kept: the next load fetches it again.
      await store.delete(part.name);
      throw refused(error, part.name);
    }
    Object.assign(blobs, found);
  }
  return blobs;
}

/** Picked files by role; each name may appear once. */
function pickedBlobs(files: readonly File[]): WanBlobs {
  const blobs: WanBlobs = {};
  for (const file of files) {
    const role = pickedFileRole(file.name);
    if (!role) throw new EngineError('bad-request', `${file.name} is not one of Wan's files (${Object.values(WAN_FILES).map((p) => p.split('/').pop()).join(', ')}).`);
    if (blobs[role]) throw new EngineError('bad-request', `${file.name} was picked twice.`);
    blobs[role] = file;
  }
  return blobs;
}

function refused(error: unknown, what: string): EngineError {
  if (isEngineError(error)) return error;
  if (error instanceof WeightsFormatError) {
    return new EngineError('model-invalid', `${what} cannot be used: ${error.message}. Nothing from it was kept.`, error.message);
  }
  return new EngineError('model-invalid', `${what} could not be read.`, error instanceof Error ? error.message : String(error));
}

/** The stored part each weight file belongs to (to drop it when the file is unusable). */
const PART_OF: Record<WanWeightFile, WanPartName> = { dit: 'base', selfForcing: 'self-forcing', umt5: 'text', taehv: 'decoder' };

/** Opens every file present (headers only) so a malformed or hostile one is refused before use. */
async function checkFiles(blobs: WanBlobs): Promise<void> {
  if (blobs.config) wanDitConfig(await jsonOf(blobs.config, 'config.json'));
  if (blobs.tokenizer) new Umt5Tokenizer(await jsonOf(blobs.tokenizer, 'tokenizer.json'));
  for (const role of Object.keys(PART_OF) as WanWeightFile[]) {
    const blob = blobs[role];
    if (blob) await openWanFile(role, blob);
  }
}

/** A small JSON file (config, tokenizer): at most 64 MB. */
async function jsonOf(blob: Blob, label: string): Promise<object> {
  if (blob.size > 64 * 2 ** 20) throw new WeightsFormatError(`${label} is ${blob.size} bytes: too large to be one`);
  try {
    const value: unknown = JSON.parse(await blob.text());
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value;
  } catch (error) {
    throw new WeightsFormatError(`${label} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * Every weight file against its manifest at the config's depth (headers only). `forget` drops a
 * refused file's part from the store, so nothing unusable stays kept.
 */
async function checkManifests(blobs: WanBlobs, config: DitConfig, reduced: boolean, forget: (part: WanPartName) => Promise<void>): Promise<void> {
  for (const role of Object.keys(PART_OF) as WanWeightFile[]) {
    const blob = blobs[role];
    if (!blob) continue;
    try {
      await checkWanFile(role, blob, config, reduced);
    } catch (error) {
      await forget(PART_OF[role]);
      throw refused(error, WAN_FILES[role].split('/').pop()!);
    }
  }
}

/** A runtime for `sampler` from its files; weights go to the GPU when a clip first needs them. */
async function runtimeFrom(
  gpu: GpuContext,
  sampler: WanSampler,
  blobs: WanBlobs,
  forget: (part: WanPartName) => Promise<void> = async () => {},
): Promise<{ runtime: WanRuntime; loaded: WanLoaded }> {
  const need = (role: keyof typeof WAN_FILES) => {
    const blob = blobs[role];
    if (!blob) throw new EngineError('bad-request', `${WAN_FILES[role].split('/').pop()} is missing: ${sampler === 'self-forcing-4' ? 'Self-Forcing' : 'Wan 2.1'} needs it.`);
    return blob;
  };
  const ditBlob = sampler === 'self-forcing-4' ? need('selfForcing') : need('dit');
  const [umt5, taehv, tokenizerBlob] = [need('umt5'), need('taehv'), need('tokenizer')];
  // Without config.json (picked files), the published depth: every file must then match in full.
  const { config, reduced } = blobs.config ? wanDitConfig(await jsonOf(blobs.config, 'config.json')) : { config: WAN_DIT_CONFIG, reduced: false };
  await checkManifests(blobs, config, reduced, forget);
  const tokenizerConfig = blobs.tokenizerConfig ? await jsonOf(blobs.tokenizerConfig, 'tokenizer_config.json') : {};
  const tokenizer = new Umt5Tokenizer(await jsonOf(tokenizerBlob, 'tokenizer.json'), tokenizerConfig);
  const { device } = gpu;
  const dtype = device.features.has('shader-f16') ? 'f16' : 'f32';
  const constants = new Constants(device);
  const kind = sampler === 'self-forcing-4' ? 'self-forcing' : 'base';
  const runtime = new WanRuntime({
    device, dtype, tokenizer, textLen: config.text_len,
    loadText: () => loadUmt5File(device, umt5, reduced, constants, dtype).catch((e: unknown) => { throw refused(e, 'The text encoder'); }),
    loadDit: () => loadWanDitFile(device, kind, ditBlob, config, constants, dtype).catch((e: unknown) => { throw refused(e, 'The DiT'); }),
    loadDecoder: () => loadTaehvFile(device, taehv, dtype).catch((e: unknown) => { throw refused(e, 'The TAEHV decoder'); }),
  });
  const bytes = [umt5, taehv, ditBlob].reduce((sum, b) => sum + b.size, 0);
  return { runtime, loaded: { sampler, layers: config.num_layers, reduced, bytes } };
}

/** Loads a Wan model's files (downloading or reading picked files) and builds its runtime. */
export async function loadWan(
  store: () => Promise<ModelStore>,
  gpu: GpuContext,
  request: WanLoadRequest,
  onProgress: ((progress: LoadProgress) => void) | undefined,
  signal: AbortSignal,
): Promise<{ runtime: WanRuntime; loaded: WanLoaded }> {
  const hub = hubOf(request.source);
  if (hub) {
    const kept = await store();
    const blobs = await downloadParts(kept, hub, request.sampler, onProgress, signal);
    return runtimeFrom(gpu, request.sampler, blobs, async (part) => void (await kept.delete(WAN_PART_SOURCES[part].name)));
  }
  const blobs = pickedBlobs((request.source as { files: File[] }).files);
  await checkFiles(blobs).catch((error: unknown) => {
    throw refused(error, 'A picked file');
  });
  return runtimeFrom(gpu, request.sampler, blobs);
}
