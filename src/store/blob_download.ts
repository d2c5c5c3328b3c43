// Downloads one model file into IndexedDB as a row of Blob chunks, for files too large for one
// buffer (a browser's ArrayBuffer stops near 2 GB; Wan 2.1's weights are 5.7 and 11.4 GB). The file
// is handed back as one Blob made of its stored chunks, which Chromium keeps on disk: reading it is
// the caller's business, a slice at a time.
//
// Like file_download.ts, it resumes a cut download with `Range: bytes=N-` (a cut keeps every byte
// that arrived, the last chunk short) and marks the file complete only in the transaction that
// writes its last chunk, after the digest matched. Unlike it, it never holds more than one chunk of
// the file: bytes are hashed as they arrive (file_digest.ts), each full chunk is written as a Blob
// and its buffer reused, and on resume the stored chunks are read back one at a time to bring the
// digest up to where the download goes on.
import { fetchFileFrom } from './download.ts';
import { fileDigest, type FileDigest } from './file_digest.ts';
import type { FileDownload } from './file_download.ts';
import type { ModelFile } from './manifest.ts';
import { chunkContent, chunkLength, chunksOf, deleteFile, writeChunk, type FileRecord, type ModelDb } from './model_db.ts';
import { damaged, fetchFailed } from './store_errors.ts';

/** The same job as file_download.ts's: the record's chunkBytes is the chunk size throughout. */
export type BlobDownload = FileDownload;

/** Chunks a file of `bytes` is stored in: a file of 0 bytes still has one (empty) chunk, its "complete" mark's. */
const chunkCount = (bytes: number, chunkBytes: number) => Math.max(1, Math.ceil(bytes / chunkBytes));

/**
 * The stored file as one Blob of its chunks, when its record is complete and the chunks add up to
 * exactly its bytes; null otherwise (the caller downloads it again). The bytes are not hashed again:
 * that would read gigabytes on every load. They were checked when written.
 */
export async function storedBlob(db: ModelDb, record: FileRecord | undefined, file: ModelFile): Promise<Blob | null> {
  if (!record?.complete || record.bytes !== file.bytes) return null;
  const chunks = await db.getAll('chunks', chunksOf(record.model, record.sha256));
  const count = chunkCount(file.bytes, record.chunkBytes);
  if (chunks.length !== count) return null;
  let total = 0;
  for (const [index, { data }] of chunks.entries()) {
    const length = chunkLength(data);
    // Every chunk but the last is full, so a missing or short one shows in the sizes.
    if (index < count - 1 && length !== record.chunkBytes) return null;
    total += length;
  }
  return total === file.bytes ? new Blob(chunks.map((c) => c.data)) : null;
}

/** Downloads (or finishes downloading) the file; resolves with it as a Blob once it is stored and checked. */
export async function downloadBlob(job: BlobDownload): Promise<Blob> {
  const { db, url, file, record, onBytes, signal } = job;
  // A git-checked file too large to hash is refused here, before any byte is fetched.
  const incoming = new FileChunks(job, fileDigest(file));
  await incoming.resume();

  if (incoming.loaded < file.bytes) {
    const { response, offset } = await fetchFileFrom(url, incoming.loaded, file.bytes, signal);
    if (offset !== incoming.loaded) {
      // The whole file is coming instead of the rest of it: start over.
      await incoming.restart();
      await onBytes(0);
    }
    await incoming.receive(response);
  }
  return incoming.finish();
}

/**
 * The file's bytes on their way into the store: the digest of all of them so far, and the chunk
 * they are filling (the only bytes of the file in memory). Bytes [0, loaded − held) are stored in
 * full chunks; the `held` bytes after them are in `chunk`, and may be stored too, as a short chunk.
 */
class FileChunks {
  loaded = 0;
  private held = 0;
  private readonly chunk: Uint8Array<ArrayBuffer>;
  private readonly size: number;

  constructor(
    private readonly job: BlobDownload,
    private digest: FileDigest,
  ) {
    this.size = job.record.chunkBytes;
    this.chunk = new Uint8Array(Math.min(this.size, job.file.bytes));
  }

  /** Brings the digest (and the chunk being filled) up to the bytes already stored, reading them back a chunk at a time. */
  async resume(): Promise<void> {
    const { db, file, record, onBytes, signal } = this.job;
    const stored = record.storedBytes;
    // A record not complete has fewer bytes than its file; one that claims all of them is not trusted.
    if (stored <= 0 || stored >= file.bytes || record.bytes !== file.bytes) {
      if (stored !== 0) await this.restart();
      await onBytes(0);
      return;
    }
    const count = Math.ceil(stored / this.size);
    for (let index = 0; index < count; index++) {
      signal?.throwIfAborted();
      const expected = Math.min(this.size, stored - index * this.size);
      const data = (await db.get('chunks', [record.model, record.sha256, index]))?.data;
      const bytes = data && chunkLength(data) === expected ? await chunkContent(data).catch(() => null) : null;
      // A missing or unreadable chunk (the browser lost its file): what is stored cannot be used.
      if (bytes?.byteLength !== expected) {
        await this.restart();
        await onBytes(0);
        return;
      }
      this.digest.update(bytes);
      this.loaded += expected;
      // A short last chunk is filled up from the network and then written again whole.
      if (expected < this.size) {
        this.chunk.set(bytes);
        this.held = expected;
      }
      await onBytes(this.loaded);
    }
  }

  /** Drops whatever was stored of this file, so it is fetched again from byte 0. */
  async restart(): Promise<void> {
    const { db, file, record } = this.job;
    await deleteFile(db, record.model, record.sha256);
    record.storedBytes = 0;
    this.digest = fileDigest(file);
    this.loaded = 0;
    this.held = 0;
  }

  /** Streams the response in from `loaded` on, writing each chunk once it is full (but the file's last). */
  async receive(response: Response): Promise<void> {
    const { db, url, file, record, onBytes, signal } = this.job;
    const reader = response.body?.getReader();
    if (!reader) throw fetchFailed(url, 'the response has no body');
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (cause) {
        // Cut or cancelled: keep what arrived, so the next attempt resumes from here.
        await this.storeHeld();
        if (signal?.aborted) throw signal.reason;
        throw fetchFailed(url, `the connection broke after ${this.loaded} of ${file.bytes} bytes: ${cause instanceof Error ? cause.message : String(cause)}`);
      }
      if (result.done) break;
      const value = result.value;
      if (this.loaded + value.byteLength > file.bytes) {
        await reader.cancel();
        await deleteFile(db, record.model, record.sha256);
        throw damaged(file, `more than the ${file.bytes} bytes listed`);
      }
      this.digest.update(value);
      for (let at = 0; at < value.byteLength; ) {
        const take = Math.min(this.size - this.held, value.byteLength - at);
        this.chunk.set(value.subarray(at, at + take), this.held);
        this.held += take;
        this.loaded += take;
        at += take;
        if (this.held === this.size && this.loaded < file.bytes) {
          await this.storeHeld();
          this.held = 0;
        }
      }
      await onBytes(this.loaded);
    }
    if (this.loaded < file.bytes) {
      await this.storeHeld();
      throw fetchFailed(url, `the server sent ${this.loaded} of ${file.bytes} bytes`);
    }
  }

  /** Checks the digest; the last chunk and the "complete" mark then go in one transaction. */
  async finish(): Promise<Blob> {
    const { db, file, record } = this.job;
    const digest = await this.digest.hex();
    if (digest !== file.sha256) {
      await deleteFile(db, record.model, record.sha256);
      throw damaged(file, `${this.digest.kind} ${digest}, expected ${file.sha256}`);
    }
    const complete = { ...record, storedBytes: file.bytes, complete: true };
    await writeChunk(db, complete, chunkCount(file.bytes, this.size) - 1, this.heldBlob());
    // Read back: the Blob handed on is the stored one, on disk, not a copy in memory.
    const blob = await storedBlob(db, complete, file);
    if (!blob) throw damaged(file, 'its chunks did not add up once stored');
    return blob;
  }

  /** Writes the chunk being filled as it is (full, or short after a cut), unless it is stored already. */
  private async storeHeld(): Promise<void> {
    const { db, record } = this.job;
    if (this.loaded <= record.storedBytes) return;
    record.storedBytes = this.loaded;
    await writeChunk(db, record, (this.loaded - this.held) / this.size, this.heldBlob());
  }

  /** A Blob of the held bytes: its own copy, so the chunk buffer can be filled again at once. */
  private heldBlob(): Blob {
    return new Blob([this.chunk.subarray(0, this.held)]);
  }
}
