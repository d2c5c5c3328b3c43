// The model store: every model file lives in IndexedDB (model_db.ts), fetched once and then
// loaded from there with no network at all, which is what makes Zoetrope work offline.
//
// A load looks the manifest URL up first. A model stored whole under that URL is served from its
// saved manifest without asking the server anything (so a changed manifest is only seen after
// `delete`, or under a new URL: publish versions under versioned URLs). Each cached file is
// checked against its sha256 on every load; a file whose bytes changed on disk is dropped and
// fetched again. Files not yet (fully) stored are downloaded, resuming cut downloads.
//
// Files too large for one buffer (Wan 2.1's weights: 5.7 and 11.4 GB; a browser's ArrayBuffer stops
// near 2 GB) are loaded with `loadBlobs` instead: stored as Blob chunks, checked with a digest
// computed as they arrive, and handed back as Blobs the browser keeps on disk (blob_download.ts).
// Such a model's file list comes from the caller (a Hub listing, hub_listing.ts), not a manifest.
//
// The browser may take the store away while a page is open (the person clears the site's data):
// the connection reopens on its own (live_db.ts), and a load that was under way starts again from
// the network, saying so in its progress (LoadProgress.notice), rather than failing on a dead
// connection.
import { EngineError } from '../errors/engine_error.ts';
import { downloadBlob, storedBlob } from './blob_download.ts';
import { fetchManifest, sha256Hex } from './download.ts';
import { downloadFile } from './file_download.ts';
import { isClosingConnection, LiveDb } from './live_db.ts';
import { Progress, type LoadProgress } from './load_progress.ts';
import type { ModelFile, ModelInfo } from './manifest.ts';
import { deleteFile, deleteModel, filesOf, MODEL_DB, readStoredBytes, saveModel, type FileRecord, type ModelDb, type ModelDbSchema } from './model_db.ts';
import { isQuotaError, storageFull, type StorageEstimate } from './store_errors.ts';

export type { LoadProgress };

/** 4 MiB: large enough that per-write overhead is small, small enough that a cut loses little. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * 16 MiB for files loaded as Blobs: a 11.4 GB file is still 700 chunks (each its own file on disk
 * in Chromium), and one chunk is all of the file held in memory at a time.
 */
export const BLOB_CHUNK_BYTES = 16 * 1024 * 1024;

export interface CachedModel {
  name: string;
  version: string;
  manifestUrl: string;
  /** Bytes of the whole model, as its manifest lists them. */
  totalBytes: number;
  /** Bytes of it stored here; equal to totalBytes once every file is complete. */
  storedBytes: number;
  complete: boolean;
  savedAt: number;
}

export interface StorageUse extends StorageEstimate {
  /** Whether the browser promised not to evict this site's storage under pressure. */
  persisted: boolean;
}

export interface LoadedModel {
  info: ModelInfo;
  files: Map<string, Uint8Array<ArrayBuffer>>;
}

export interface ModelStoreOptions {
  /**
   * Chunk size for files written from now on, by `load` and `loadBlobs` alike (tests use small
   * chunks to exercise resume); else DEFAULT_CHUNK_BYTES and BLOB_CHUNK_BYTES.
   */
  chunkBytes?: number;
}

/** Times one load starts again after the store was taken away under it (each time from the network). */
const MAX_RESTARTS = 2;
/** Before opening again after an open was cut short by the clearing: this, then twice this. */
const REOPEN_DELAY_MS = 100;

/** What the load's progress says after the store was taken away under it. */
export const STORE_LOST_NOTICE =
  'This site’s stored data was cleared while the model was loading, so the part already kept is gone: downloading it again from the start.';

export class ModelStore {
  private constructor(
    private readonly live: LiveDb<ModelDbSchema>,
    private readonly chunkBytes: number | undefined,
  ) {}

  static async open(options: ModelStoreOptions = {}): Promise<ModelStore> {
    const live = new LiveDb<ModelDbSchema>(MODEL_DB);
    try {
      await live.connection();
    } catch (cause) {
      throw new EngineError(
        'internal',
        'This browser does not let Zoetrope store models (IndexedDB is unavailable, as in some private windows). Use a normal window.',
        cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
      );
    }
    return new ModelStore(live, options.chunkBytes);
  }

  /** Loads every file of the model at `manifestUrl`, from IndexedDB where it can, else from the network. */
  async load(manifestUrl: string, onProgress?: (progress: LoadProgress) => void | Promise<void>, signal?: AbortSignal): Promise<LoadedModel> {
    const url = new URL(manifestUrl, globalThis.location?.href).href;
    return this.restarting(signal, (db, notice) => this.loadFrom(db, url, notice, onProgress, signal));
  }

  /**
   * Loads every file `info` lists as a Blob, from IndexedDB where it is stored complete, else from
   * `urlOf(file)`, resuming a cut download; for files too large for one buffer. Each file is
   * checked against its digest (sha256, or a git blob SHA-1 for small files) as it is downloaded,
   * not again on later loads. `info` is saved as the model's record (its manifestUrl: the folder
   * URL the files share), so `list`, `delete` and `storedInfo` know the model; a later call under
   * the same name drops stored files `info` no longer lists.
   */
  async loadBlobs(
    info: ModelInfo,
    urlOf: (file: ModelFile) => string,
    onProgress?: (progress: LoadProgress) => void | Promise<void>,
    signal?: AbortSignal,
  ): Promise<Map<string, Blob>> {
    return this.restarting(signal, (db, notice) => this.loadBlobsFrom(db, info, urlOf, notice, onProgress, signal));
  }

  /** Bytes of `info`'s files stored here (complete or not), matched by digest: what a load would not download. */
  async storedBytes(info: ModelInfo): Promise<number> {
    return info.totalBytes - (await this.live.run((db) => this.missingBytes(db, info)));
  }

  /** The saved file list of the model `name` (as `loadBlobs` or `load` saved it), to load it with no network; null if none. */
  async storedInfo(name: string): Promise<ModelInfo | null> {
    return (await this.live.run((db) => db.get('models', name)))?.info ?? null;
  }

  /**
   * Runs one load, and runs it again from the start (saying why, in `notice`) when the store was
   * taken away under it: the site's data was cleared while it ran.
   */
  private async restarting<T>(signal: AbortSignal | undefined, run: (db: ModelDb, notice: string | undefined) => Promise<T>): Promise<T> {
    let notice: string | undefined;
    for (let restarts = 0; ; restarts++) {
      const losses = this.live.losses;
      let db: ModelDb | null = null;
      try {
        db = await this.live.connection();
        return await run(db, notice);
      } catch (error) {
        const closing = isClosingConnection(error);
        // A dead connection met before its close event arrived counts as the loss it is.
        if (closing && db) this.live.forget(db);
        // Opening again while the browser is still clearing the site's data is cut short too
        // ("The connection was closed"): the same loss, met one step later.
        const lost = this.live.losses !== losses || (closing && db === null);
        if (!lost || restarts >= MAX_RESTARTS || signal?.aborted) throw error;
        notice = STORE_LOST_NOTICE;
        if (db === null) await new Promise((resolve) => setTimeout(resolve, REOPEN_DELAY_MS * (restarts + 1)));
      }
    }
  }

  /** One load on one connection; `notice` goes with every progress report (why it started over). */
  private async loadFrom(
    db: ModelDb,
    url: string,
    notice: string | undefined,
    onProgress: ((progress: LoadProgress) => void | Promise<void>) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<LoadedModel> {
    const info = await this.manifest(db, url, signal);
    const files = new Map<string, Uint8Array<ArrayBuffer>>();
    const progress = new Progress(info, notice, onProgress);
    let notified = false;

    for (const [fileIndex, file] of info.files.entries()) {
      signal?.throwIfAborted();
      const report = progress.reporter(fileIndex);
      let bytes = await this.cachedFile(db, info.name, file.sha256, file.bytes);
      if (!bytes) {
        if (!notified) {
          await this.beforeDownload(db, info);
          notified = true;
        }
        const record = (await db.get('files', [info.name, file.sha256])) ?? this.newRecord(info.name, file.sha256, file.bytes, DEFAULT_CHUNK_BYTES);
        const fileUrl = new URL(file.path, url).href;
        try {
          bytes = await downloadFile({ db, url: fileUrl, file, record, onBytes: report, signal });
        } catch (error) {
          throw isQuotaError(error) ? storageFull(info.name, await this.missingBytes(db, info), await this.estimate(), String(error)) : error;
        }
      }
      files.set(file.path, bytes);
      await report(file.bytes);
      progress.done(file);
    }
    return { info, files };
  }

  /** One `loadBlobs` on one connection; `notice` goes with every progress report (why it started over). */
  private async loadBlobsFrom(
    db: ModelDb,
    info: ModelInfo,
    urlOf: (file: ModelFile) => string,
    notice: string | undefined,
    onProgress: ((progress: LoadProgress) => void | Promise<void>) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Map<string, Blob>> {
    try {
      await saveModel(db, { name: info.name, manifestUrl: sourceOf(info, urlOf), info, savedAt: Date.now() });
    } catch (error) {
      throw isQuotaError(error) ? storageFull(info.name, await this.missingBytes(db, info), await this.estimate(), String(error)) : error;
    }
    const blobs = new Map<string, Blob>();
    const progress = new Progress(info, notice, onProgress);
    let notified = false;

    for (const [fileIndex, file] of info.files.entries()) {
      signal?.throwIfAborted();
      const report = progress.reporter(fileIndex);
      const stored = await db.get('files', [info.name, file.sha256]);
      let blob = await storedBlob(db, stored, file);
      if (!blob) {
        // Complete, but its chunks do not add up (lost on disk): fetched again from the start.
        if (stored?.complete) await deleteFile(db, info.name, file.sha256);
        if (!notified) {
          await this.beforeDownload(db, info);
          notified = true;
        }
        const record = (stored?.complete ? undefined : stored) ?? this.newRecord(info.name, file.sha256, file.bytes, BLOB_CHUNK_BYTES);
        try {
          blob = await downloadBlob({ db, url: new URL(urlOf(file), globalThis.location?.href).href, file, record, onBytes: report, signal });
        } catch (error) {
          throw isQuotaError(error) ? storageFull(info.name, await this.missingBytes(db, info), await this.estimate(), String(error)) : error;
        }
      }
      blobs.set(file.path, blob);
      await report(file.bytes);
      progress.done(file);
    }
    return blobs;
  }

  /** Every saved model, complete or not, with how much of it is stored. */
  async list(): Promise<CachedModel[]> {
    const [models, files] = await this.live.run((db) => Promise.all([db.getAll('models'), db.getAll('files')]));
    return models.map(({ name, manifestUrl, info, savedAt }) => {
      const mine = new Map(files.filter((f) => f.model === name).map((f) => [f.sha256, f]));
      const storedBytes = info.files.reduce((sum, f) => sum + (mine.get(f.sha256)?.storedBytes ?? 0), 0);
      const complete = info.files.every((f) => mine.get(f.sha256)?.complete === true);
      return { name, version: info.version, manifestUrl, totalBytes: info.totalBytes, storedBytes, complete, savedAt };
    });
  }

  /** Removes a model and all its bytes; false if no model of that name was stored. */
  delete(name: string): Promise<boolean> {
    return this.live.run((db) => deleteModel(db, name));
  }

  async usage(): Promise<StorageUse> {
    const estimate = (await this.estimate()) ?? { usage: 0, quota: 0 };
    const persisted = (await navigator.storage?.persisted?.()) ?? false;
    return { ...estimate, persisted };
  }

  close(): void {
    this.live.close();
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────

  /**
   * The saved manifest for this URL when the whole model is stored; otherwise the server's, saved
   * for next time. A model that is not complete needs the network anyway, and asking again lets a
   * fix published on the server (a corrected manifest) replace a broken one.
   */
  private async manifest(db: ModelDb, url: string, signal: AbortSignal | undefined): Promise<ModelInfo> {
    const saved = await db.getFromIndex('models', 'byUrl', url);
    if (saved && (await this.isComplete(db, saved.info))) return saved.info;
    const info = await fetchManifest(url, signal);
    try {
      await saveModel(db, { name: info.name, manifestUrl: url, info, savedAt: Date.now() });
    } catch (error) {
      throw isQuotaError(error) ? storageFull(info.name, info.totalBytes, await this.estimate(), String(error)) : error;
    }
    return info;
  }

  /** A complete file's bytes if they still match their sha256; a damaged one is dropped. */
  private async cachedFile(db: ModelDb, model: string, sha256: string, bytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
    const record = await db.get('files', [model, sha256]);
    if (!record?.complete) return null;
    const body = new Uint8Array(bytes);
    // Disks and browsers do corrupt stored data now and then; a wrong weight would go unnoticed.
    if ((await readStoredBytes(db, record, body)) && (await sha256Hex(body)) === sha256) return body;
    await deleteFile(db, model, sha256);
    return null;
  }

  /** Before the first byte is downloaded: ask to keep storage, and refuse early when it cannot fit. */
  private async beforeDownload(db: ModelDb, info: ModelInfo): Promise<void> {
    // Without this, the browser may evict a multi-gigabyte model when the disk runs low.
    await navigator.storage?.persist?.().catch(() => false);
    const needed = await this.missingBytes(db, info);
    const estimate = await this.estimate();
    if (estimate && estimate.quota > 0 && estimate.quota - estimate.usage < needed) {
      throw storageFull(info.name, needed, estimate);
    }
  }

  private async isComplete(db: ModelDb, info: ModelInfo): Promise<boolean> {
    const records = await db.getAll('files', filesOf(info.name));
    const complete = new Set(records.filter((r) => r.complete).map((r) => r.sha256));
    return info.files.every((f) => complete.has(f.sha256));
  }

  private async missingBytes(db: ModelDb, info: ModelInfo): Promise<number> {
    const records = await db.getAll('files', filesOf(info.name));
    const stored = new Map(records.map((r) => [r.sha256, r.storedBytes]));
    return info.files.reduce((sum, f) => sum + f.bytes - (stored.get(f.sha256) ?? 0), 0);
  }

  private async estimate(): Promise<StorageEstimate | null> {
    const estimate = await navigator.storage?.estimate?.().catch(() => null);
    return estimate ? { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null;
  }

  private newRecord(model: string, sha256: string, bytes: number, defaultChunkBytes: number): FileRecord {
    return { model, sha256, bytes, chunkBytes: this.chunkBytes ?? defaultChunkBytes, storedBytes: 0, complete: false };
  }
}

/**
 * Where a model loaded with `loadBlobs` comes from, for its record's manifestUrl (what `list`
 * shows): the folder URL its files' URLs share, such as a Hub repository's resolve/<revision>/.
 */
function sourceOf(info: ModelInfo, urlOf: (file: ModelFile) => string): string {
  const urls = info.files.map((file) => new URL(urlOf(file), globalThis.location?.href).href);
  let common = urls[0] ?? '';
  for (const url of urls) {
    let i = 0;
    while (i < common.length && common[i] === url[i]) i++;
    common = common.slice(0, i);
  }
  return common.slice(0, common.lastIndexOf('/') + 1) || common;
}
