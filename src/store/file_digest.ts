// The digest a file is checked against as its bytes go by (blob_download.ts), of the kind its
// listing publishes (manifest.ts DigestKind): a sha256 computed piece by piece, so no file is ever
// needed whole in memory, or a git blob SHA-1, which crypto.subtle computes over the whole file and
// is therefore allowed for small files only.
import { EngineError } from '../errors/engine_error.ts';
import { hexOf } from './download.ts';
import { MAX_GIT_BLOB_BYTES, type DigestKind, type ModelFile } from './manifest.ts';
import { formatBytes } from './range.ts';
import { Sha256Stream } from './sha256_stream.ts';

export interface FileDigest {
  readonly kind: DigestKind;
  /** The next bytes of the file; they are copied or consumed at once, so the caller may reuse its buffer. */
  update(bytes: Uint8Array): void;
  /** Lowercase hex of everything fed, to compare with the file's `sha256` field. */
  hex(): Promise<string>;
}

/** A new digest for `file`; refuses a git-checked file too large to hash in memory, before anything is fetched. */
export function fileDigest(file: ModelFile): FileDigest {
  const kind = file.digest ?? 'sha256';
  if (kind === 'sha256') {
    const stream = new Sha256Stream();
    return { kind, update: (bytes) => stream.update(bytes), hex: async () => stream.hex() };
  }
  if (file.bytes > MAX_GIT_BLOB_BYTES) {
    throw new EngineError(
      'model-invalid',
      `The model file ${file.path} is listed with a git checksum only and is ${formatBytes(file.bytes)}: too large to check here ` +
        `(at most ${formatBytes(MAX_GIT_BLOB_BYTES)}). Large files need a sha256, as Git LFS gives them.`,
    );
  }
  return gitBlobSha1(file.bytes);
}

/** git's name for a blob: SHA-1 over `blob <size>\0` and the bytes. The whole file is kept until hex(). */
function gitBlobSha1(size: number): FileDigest {
  const header = new TextEncoder().encode(`blob ${size}\0`);
  const message = new Uint8Array(header.length + size);
  message.set(header);
  let at = header.length;
  return {
    kind: 'git-blob-sha1',
    update(bytes) {
      // More bytes than the listed size cannot match; the download refuses them before they get here.
      if (at + bytes.length > message.length) throw new RangeError(`more than the ${size} bytes a git blob SHA-1 was set up for`);
      message.set(bytes, at);
      at += bytes.length;
    },
    async hex() {
      return hexOf(new Uint8Array(await crypto.subtle.digest('SHA-1', message.subarray(0, at))));
    },
  };
}
