// A picture the user gives (image-to-video, in-betweening) → the RGBA pixels of one frame of the
// chosen bucket: scaled to cover the frame and cropped around its centre, as a phone crops a
// photo to a video's aspect ratio, so nothing is stretched. Works in a worker (no DOM).
import { decodePicture } from './image_header.ts';

export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The largest centred part of a `sourceWidth`×`sourceHeight` image with the aspect ratio of
 * `width`×`height`: scaled to the frame it covers it exactly.
 */
export function coverCrop(sourceWidth: number, sourceHeight: number, width: number, height: number): CropRect {
  if (!(sourceWidth > 0 && sourceHeight > 0 && width > 0 && height > 0)) throw new Error('sizes must be positive');
  const scale = Math.max(width / sourceWidth, height / sourceHeight);
  const cropWidth = Math.min(sourceWidth, width / scale);
  const cropHeight = Math.min(sourceHeight, height / scale);
  return { x: (sourceWidth - cropWidth) / 2, y: (sourceHeight - cropHeight) / 2, width: cropWidth, height: cropHeight };
}

/**
 * Decodes an image file (PNG, JPEG, WebP, …) and returns its pixels cropped and scaled to
 * `width`×`height`. Throws ImageFormatError for a file that is not a picture, is damaged, or is
 * too large to decode safely (image_header.ts checks its size before decoding).
 */
export async function imageToFrame(image: Blob, width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
  const bitmap = await decodePicture(image);
  try {
    const crop = coverCrop(bitmap.width, bitmap.height, width, height);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2D canvas context to read the image with');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, crop.x, crop.y, crop.width, crop.height, 0, 0, width, height);
    return new Uint8Array(context.getImageData(0, 0, width, height).data.buffer) as Uint8Array<ArrayBuffer>;
  } finally {
    bitmap.close();
  }
}

/** Peak signal-to-noise ratio in dB between two RGBA8 images (RGB only). */
export function psnrRgba(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error('images differ in size');
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    const d = a[i]! - b[i]!;
    sum += d * d;
    count++;
  }
  const mse = sum / count;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
