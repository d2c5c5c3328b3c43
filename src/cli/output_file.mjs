// @ts-check
// Where the command line writes its MP4: checked before any work (exit 2, as README promises),
// and, if writing still fails at the end (the folder was removed, the disk filled), the clip is
// kept in the temporary folder rather than lost after minutes of generating.
import { closeSync, openSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UsageError } from './args.mjs';

/**
 * What went wrong with a file operation, in words (the error code's meaning, not its name).
 * @param {unknown} error
 */
export function whyNotWritten(error) {
  const code = /** @type {{ code?: string }} */ (error)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'ENOENT':
      return 'no file can be made there (its folder is gone, or takes no new files)';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** @param {string} path */
function statOrNull(path) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * The output's absolute path, or a UsageError saying why it cannot be written: the output is a
 * folder, its folder is missing or is a file, or a real write there fails. Writing is tried, not
 * asked about: access() says yes to root on any folder, and a read-only mount or a full disk only
 * shows when something is written.
 * @param {string} output
 * @returns {string}
 */
export function checkOutput(output) {
  const file = resolve(output);
  const folder = dirname(file);
  if (output.endsWith('/') || output.endsWith(sep) || statOrNull(file)?.isDirectory()) {
    throw new UsageError(`--output ${output} is a folder; give a file name such as clip.mp4.`);
  }
  const folderStat = statOrNull(folder);
  if (!folderStat) throw new UsageError(`Cannot write ${output}: the folder ${folder} does not exist.`);
  if (!folderStat.isDirectory()) throw new UsageError(`Cannot write ${output}: ${folder} is not a folder.`);
  try {
    if (statOrNull(file)) {
      closeSync(openSync(file, 'r+')); // opened for writing, not truncated: the old file stays until the clip replaces it
    } else {
      const probe = join(folder, `.${basename(file)}.${process.pid}.zoetrope-write-check`);
      closeSync(openSync(probe, 'wx'));
      unlinkSync(probe);
    }
  } catch (error) {
    throw new UsageError(`Cannot write ${output}: ${whyNotWritten(error)}.`);
  }
  return file;
}

/**
 * Writes the clip to `file`; if that fails, to a new file in `fallbackFolder` (the OS temporary
 * folder) named after it, never replacing anything there. `failure` says why `file` was not written.
 * Throws only when both fail.
 * @param {string} file
 * @param {Uint8Array} bytes
 * @param {string} [fallbackFolder]
 * @returns {{ path: string, failure: string | null }}
 */
export function saveClip(file, bytes, fallbackFolder = tmpdir()) {
  try {
    writeFileSync(file, bytes);
    return { path: file, failure: null };
  } catch (error) {
    const failure = whyNotWritten(error);
    const fallback = join(fallbackFolder, `zoetrope-kept-${Date.now()}-${process.pid}-${basename(file)}`);
    try {
      writeFileSync(fallback, bytes, { flag: 'wx' });
    } catch (second) {
      throw new Error(`could not write ${file} (${failure}), nor keep the clip at ${fallback} (${whyNotWritten(second)}); the clip is lost`);
    }
    return { path: fallback, failure };
  }
}
