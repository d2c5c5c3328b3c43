// The IndexedDB layout of the model store. IndexedDB is the only place model files are kept (the
// service worker never caches them), so this layout is what makes loading work offline.
//
//   models  name → the model's manifest (as parsed), where it came from, when it was saved
//   files   [model, sha256] → how many leading bytes of that file are stored, and whether the
//           whole file was checked against its sha256
//   chunks  [model, sha256, index] → bytes [index·chunkBytes, (index+1)·chunkBytes) of the file:
//           a Uint8Array for files loaded whole (ModelStore.load), a Blob for files loaded as
//           Blobs (ModelStore.loadBlobs), which the browser keeps on disk rather than in memory
//
// Files are keyed by content, not path, so a new version of a model reuses every unchanged file.
// Files are split into chunks because one multi-gigabyte value is slow to write, cannot be written
// bit by bit as it arrives, and would lose everything when a download is cut. The last chunk
// stored may be short: a cut download keeps every byte it received and resumes from there.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ModelInfo } from './manifest.ts';

export const MODEL_DB_NAME = 'zoetrope-models';
const MODEL_DB_VERSION = 1;

export interface ModelRecord {
  name: string;
  manifestUrl: string;
  info: ModelInfo;
  savedAt: number;
}

export interface FileRecord {
  model: string;
  sha256: string;
  bytes: number;
  /** Chunk size this file was written with; fixed for the life of the record. */
  chunkBytes: number;
  /** Bytes [0, storedBytes) are in `chunks`. */
  storedBytes: number;
  /** All bytes are stored and matched the sha256 when they were written. */
  complete: boolean;
}

export interface ChunkRecord {
  data: Uint8Array<ArrayBuffer> | Blob;
}

export interface ModelDbSchema extends DBSchema {
  models: { key: string; value: ModelRecord; indexes: { byUrl: string } };
  files: { key: [string, string]; value: FileRecord };
  chunks: { key: [string, string, number]; value: ChunkRecord };
}

export type ModelDb = IDBPDatabase<ModelDbSchema>;

/** The layout above, for openDB and for the store's self-reopening connection (live_db.ts). */
export const MODEL_DB = {
  name: MODEL_DB_NAME,
  version: MODEL_DB_VERSION,
  upgrade(db: IDBPDatabase<ModelDbSchema>): void {
    db.createObjectStore('models', { keyPath: 'name' }).createIndex('byUrl', 'manifestUrl');
    db.createObjectStore('files', { keyPath: ['model', 'sha256'] });
    db.createObjectStore('chunks');
  },
};

export function openModelDb(): Promise<ModelDb> {
  return openDB<ModelDbSchema>(MODEL_DB.name, MODEL_DB.version, { upgrade: MODEL_DB.upgrade });
}

// An array key sorts after every number and string, so [x, []] bounds every key that starts with x.
export const filesOf = (model: string) => IDBKeyRange.bound([model], [model, []]);
export const chunksOf = (model: string, sha256?: string) =>
  sha256 === undefined ? IDBKeyRange.bound([model], [model, []]) : IDBKeyRange.bound([model, sha256], [model, sha256, []]);

/** A chunk's length in bytes, whichever way it is stored. */
export function chunkLength(data: ChunkRecord['data']): number {
  return data instanceof Blob ? data.size : data.byteLength;
}

/** A chunk's bytes; a Blob chunk is read from disk (it rejects when the browser lost the file under it). */
export async function chunkContent(data: ChunkRecord['data']): Promise<Uint8Array<ArrayBuffer>> {
  return data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
}

/** Reads a stored file's first `storedBytes` bytes into `into`; false if chunks are missing. */
export async function readStoredBytes(db: ModelDb, record: FileRecord, into: Uint8Array): Promise<boolean> {
  const chunks = await db.getAll('chunks', chunksOf(record.model, record.sha256));
  let offset = 0;
  for (const [index, chunk] of chunks.entries()) {
    const length = chunkLength(chunk.data);
    if (offset !== index * record.chunkBytes || offset + length > into.byteLength) return false;
    // Blob chunks are written by loadBlobs; a file stored that way may still be loaded whole.
    const bytes = await chunkContent(chunk.data).catch(() => null);
    if (bytes?.byteLength !== length) return false;
    into.set(bytes, offset);
    offset += length;
    if (offset >= record.storedBytes) break;
  }
  return offset === record.storedBytes;
}

/** Stores one chunk and moves the file's stored length in the same transaction, so they agree. */
export async function writeChunk(db: ModelDb, record: FileRecord, index: number, data: ChunkRecord['data']): Promise<void> {
  const tx = db.transaction(['files', 'chunks'], 'readwrite');
  await Promise.all([
    tx.objectStore('chunks').put({ data }, [record.model, record.sha256, index]),
    tx.objectStore('files').put(record),
    tx.done,
  ]);
}

/** Forgets one file's bytes (damaged, or never verified). */
export async function deleteFile(db: ModelDb, model: string, sha256: string): Promise<void> {
  const tx = db.transaction(['files', 'chunks'], 'readwrite');
  await Promise.all([tx.objectStore('chunks').delete(chunksOf(model, sha256)), tx.objectStore('files').delete([model, sha256]), tx.done]);
}

/**
 * Saves a model's manifest. Files of an earlier version that the new manifest no longer lists
 * are dropped in the same transaction, so storage never holds bytes nothing can load.
 */
export async function saveModel(db: ModelDb, record: ModelRecord): Promise<void> {
  const keep = new Set(record.info.files.map((f) => f.sha256));
  const tx = db.transaction(['models', 'files', 'chunks'], 'readwrite');
  const files = await tx.objectStore('files').getAll(filesOf(record.name));
  const stale = files.filter((f) => !keep.has(f.sha256));
  await Promise.all([
    tx.objectStore('models').put(record),
    ...stale.flatMap((f) => [tx.objectStore('files').delete([f.model, f.sha256]), tx.objectStore('chunks').delete(chunksOf(f.model, f.sha256))]),
    tx.done,
  ]);
}

/** Removes a model's manifest, file records and bytes; true if there was such a model. */
export async function deleteModel(db: ModelDb, name: string): Promise<boolean> {
  const tx = db.transaction(['models', 'files', 'chunks'], 'readwrite');
  const existed = (await tx.objectStore('models').getKey(name)) !== undefined;
  await Promise.all([
    tx.objectStore('models').delete(name),
    tx.objectStore('files').delete(filesOf(name)),
    tx.objectStore('chunks').delete(chunksOf(name)),
    tx.done,
  ]);
  return existed;
}
