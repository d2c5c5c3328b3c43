// Reading byte ranges of a Blob (a picked or dropped File, a cached download): only the range
// asked for is brought into memory, so a file of many gigabytes is read piece by piece (browsers
// cap one ArrayBuffer near 2 GB). Every range is checked against the Blob's size first.
import { WeightsFormatError } from '../weights.ts';

export async function readRange(blob: Blob, begin: number, end: number, label: string): Promise<Uint8Array> {
  if (!(Number.isSafeInteger(begin) && Number.isSafeInteger(end) && 0 <= begin && begin <= end && end <= blob.size)) {
    throw new WeightsFormatError(`${label}: bytes ${begin}–${end} are outside the file (${blob.size} bytes)`);
  }
  return new Uint8Array(await blob.slice(begin, end).arrayBuffer());
}
