// Downloads one model file into IndexedDB chunk by chunk, resuming where an earlier download
// stopped, and checks the whole file against its sha256 before it is marked complete.
//
// Every full chunk is written as soon as it has arrived; when the connection is cut (or the load is
// cancelled) the partial chunk is written too, so the next attempt asks only for the rest with
// `Range: bytes=N-`. A file is marked complete only in the same transaction that writes its last
// bytes, after its sha256 matched, so a damaged file is never served from the cache.
import { fetchFileFrom, sha256Hex } from './download.ts';
import type { ModelFile } from './manifest.ts';
import { deleteFile, readStoredBytes, writeChunk, type FileRecord, type ModelDb } from './model_db.ts';
import { damaged, fetchFailed } from './store_errors.ts';

export interface FileDownload {
  db: ModelDb;
  url: string;
  file: ModelFile;
  record: FileRecord;
  /** Called with the number of bytes of this file in hand, whenever it grows. */
  onBytes: (loaded: number) => Promise<void>;
  signal?: AbortSignal;
}

/** Resolves with the file's verified bytes; its record is then stored as complete. */
export async function downloadFile({ db, url, file, record, onBytes, signal }: FileDownload): Promise<Uint8Array<ArrayBuffer>> {
  const body = new Uint8Array(file.bytes);
  let start = record.storedBytes;
  if (start > 0 && !(await readStoredBytes(db, record, body))) start = await restart(db, record);
  await onBytes(start);

  let loaded = start;
  if (loaded < file.bytes) {
    const { response, offset } = await fetchFileFrom(url, start, file.bytes, signal);
    if (offset !== start) {
      // The whole file is coming instead of the rest of it: start over.
      loaded = await restart(db, record);
      await onBytes(0);
    }
    loaded = await receive(response, body, loaded, { db, url, file, record, onBytes, signal });
  }

  const digest = await sha256Hex(body);
  if (digest !== file.sha256) {
    await deleteFile(db, record.model, record.sha256);
    throw damaged(file, `sha256 ${digest}, expected ${file.sha256}`);
  }
  // The last (possibly short) chunk and the "complete" mark go in one transaction.
  const last = Math.max(0, Math.ceil(file.bytes / record.chunkBytes) - 1);
  await writeChunk(db, { ...record, storedBytes: file.bytes, complete: true }, last, body.slice(last * record.chunkBytes));
  return body;
}

/** Drops whatever was stored of this file, so it is fetched again from byte 0. */
async function restart(db: ModelDb, record: FileRecord): Promise<number> {
  await deleteFile(db, record.model, record.sha256);
  record.storedBytes = 0;
  return 0;
}

/** Streams the response into `body` from `loaded` on, writing each chunk once it is full. */
async function receive(response: Response, body: Uint8Array<ArrayBuffer>, loaded: number, job: FileDownload): Promise<number> {
  const { db, url, file, record, onBytes, signal } = job;
  const size = record.chunkBytes;
  const reader = response.body?.getReader();
  if (!reader) throw fetchFailed(url, 'the response has no body');

  // Writes bytes [chunk start, end) of the chunk that holds byte `from`.
  const store = async (from: number, end: number) => {
    const index = Math.floor(from / size);
    record.storedBytes = end;
    await writeChunk(db, record, index, body.slice(index * size, end));
  };

  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      // Cut or cancelled: keep what arrived, so the next attempt resumes from here.
      if (loaded > record.storedBytes) await store(record.storedBytes, loaded);
      if (signal?.aborted) throw signal.reason;
      throw fetchFailed(url, `the connection broke after ${loaded} of ${file.bytes} bytes: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    if (chunk.done) break;
    const value = chunk.value;
    if (loaded + value.byteLength > file.bytes) {
      await reader.cancel();
      await deleteFile(db, record.model, record.sha256);
      throw damaged(file, `more than the ${file.bytes} bytes the manifest lists`);
    }
    body.set(value, loaded);
    loaded += value.byteLength;
    // Every chunk completed by these bytes; the last one of the file waits for the sha256.
    while (Math.floor(record.storedBytes / size) < Math.floor(loaded / size) && (Math.floor(record.storedBytes / size) + 1) * size < file.bytes) {
      await store(record.storedBytes, (Math.floor(record.storedBytes / size) + 1) * size);
    }
    await onBytes(loaded);
  }
  if (loaded < file.bytes) {
    if (loaded > record.storedBytes) await store(record.storedBytes, loaded);
    throw fetchFailed(url, `the server sent ${loaded} of ${file.bytes} bytes`);
  }
  return loaded;
}
