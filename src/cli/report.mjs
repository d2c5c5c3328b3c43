// @ts-check
// What the command line prints: one progress line per phase or percent (with an ETA from the
// pace so far), and a one-line summary. Pure: times are passed in.

/** @param {number} seconds */
function duration(seconds) {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}

/** @param {number} bytes */
export function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A printer of progress events: returns the line to print, or null when it would repeat the last.
 * The ETA assumes the rest of the clip goes at the pace of the part done (the job's fraction is
 * already weighted by phase); model loading is reported apart and not counted in it.
 * @returns {(event: import('./browser_run.mjs').BrowserEvent, nowSeconds: number) => string | null}
 */
export function progressPrinter() {
  /** @type {number | null} */
  let jobStart = null;
  let last = '';
  return (event, now) => {
    let line;
    if (event.kind === 'load') {
      const percent = event.totalBytes > 0 ? Math.floor((100 * event.loadedBytes) / event.totalBytes) : 0;
      line = `loading model  ${String(percent).padStart(3)}%  (file ${event.fileIndex + 1}/${event.fileCount}: ${event.file})`;
    } else {
      jobStart ??= now;
      const percent = Math.floor(100 * event.fraction);
      const elapsed = now - jobStart;
      const eta = event.phase === 'done' ? 'done' : event.fraction > 0.01 ? `ETA ${duration((elapsed * (1 - event.fraction)) / event.fraction)}` : 'ETA …';
      const frames = `frames ${event.framesDone}/${event.framesTotal}`;
      line = `${event.phase.padEnd(10)} ${String(percent).padStart(3)}%  ${frames}  ${eta}`;
    }
    if (line === last) return null;
    last = line;
    return line;
  };
}

/**
 * @param {{ output: string, mp4: { length: number }, clip: Record<string, unknown>, model: { name: string, version: string }, seed: number, seconds: number }} result
 */
export function summaryLine({ output, mp4, clip, model, seed, seconds }) {
  const parts = [
    `${clip.frameCount} frames`,
    `${clip.width}×${clip.height} at ${clip.fps} fps`,
    String(clip.codec),
    ...(clip.backend ? [`backend ${clip.backend}`] : []),
    `model ${model.name} ${model.version}`,
    `seed ${seed}`,
    size(mp4.length),
    `${seconds.toFixed(1)} s`,
  ];
  return `wrote ${output}: ${parts.join(', ')}`;
}
