// Pure helpers for resuming a download with HTTP Range, and for byte counts people read.
// Kept apart from the fetch and IndexedDB code so they are unit-tested in Node.

/** The request header that asks for a file from `start` to its end, or none from the start. */
export function rangeHeaders(start: number): Record<string, string> {
  // A single open-ended range is a CORS-safelisted header value, so it needs no preflight.
  return start > 0 ? { Range: `bytes=${start}-` } : {};
}

/**
 * Where the response body starts in the file, given what we asked for and what came back.
 *
 * 206 means the server honoured the range. `Content-Range` is only readable cross-origin when the
 * server exposes it, so when it is hidden the body length (Content-Length) must equal what is left.
 * 200 means the server ignored the range and sends the whole file: start over from 0.
 * Anything else in a 206 (another start, a different total) cannot be trusted: returns null.
 */
export function bodyStart(
  requestedStart: number,
  fileBytes: number,
  status: number,
  contentRange: string | null,
  contentLength: string | null,
): number | null {
  if (status === 200) return 0;
  if (status !== 206) return null;
  if (contentRange !== null) {
    const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange.trim());
    if (!match) return null;
    const [, first, last, total] = match;
    if (Number(first) !== requestedStart || Number(last) !== fileBytes - 1) return null;
    if (total !== '*' && Number(total) !== fileBytes) return null;
    return requestedStart;
  }
  if (contentLength !== null && Number(contentLength) === fileBytes - requestedStart) return requestedStart;
  return null;
}

/** "1.2 GB", "340 MB", "12 kB": decimal units, as operating systems show free disk space. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}
