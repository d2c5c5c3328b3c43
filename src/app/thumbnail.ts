// A small still of a clip for the history list, taken from a frame as it streams past.

/** Longest side of a thumbnail in pixels: enough for a list row, a few kB as WebP. */
export const THUMBNAIL_SIDE = 160;

/** The thumbnail's size for a frame of `width` × `height`: scaled down to fit, never up. */
export function thumbnailSize(width: number, height: number, side = THUMBNAIL_SIDE): { width: number; height: number } {
  const scale = Math.min(1, side / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Draws `frame` at once (the caller closes it right after) and encodes it as WebP, or JPEG
 * where the browser cannot write WebP; null if this browser cannot do either off-screen.
 */
export function captureThumbnail(frame: VideoFrame): Promise<Blob | null> {
  if (typeof OffscreenCanvas === 'undefined') return Promise.resolve(null);
  const { width, height } = thumbnailSize(frame.displayWidth, frame.displayHeight);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) return Promise.resolve(null);
  context.drawImage(frame, 0, 0, width, height);
  return canvas
    .convertToBlob({ type: 'image/webp', quality: 0.8 })
    .then((blob) => (blob.type === 'image/webp' ? blob : canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 })))
    .catch(() => null);
}
