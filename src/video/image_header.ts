// A picture's format and size from its header, read before the browser decodes it.
//
// Decoders allocate width × height × 4 bytes from the header's numbers before looking at the
// pixel data, so a 40-byte PNG that claims 100 000 × 100 000 pixels asks for 40 GB. Reading the
// header ourselves lets a picked or dropped file (and the CLI's --image) be refused with a clear
// message before any decoder sees it. Formats: PNG, JPEG, WebP (what the page offers), and GIF
// and BMP, which browsers open too.

export class ImageFormatError extends Error {
  override readonly name = 'ImageFormatError';
}

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** A picture file larger than this is refused unread (a 16 384² PNG of noise is about 1 GB; photos are far smaller). */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
/** The longest side a picture may have: a frame is at most 832 px wide, so more is only a memory hazard. */
export const MAX_IMAGE_SIDE = 16_384;
/** Pixels a picture may have: 64 MP (256 MB decoded), more than a 200 MP phone's default photos. */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;
/** Header bytes read before decoding; a JPEG's size may follow large EXIF and ICC segments. */
export const IMAGE_HEADER_BYTES = 1024 * 1024;

const NOT_A_PICTURE = 'it is not an image this browser can open';

/** The picture's format and size, or an ImageFormatError when its header is not one Zoetrope reads. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = sniff(bytes, view);
  if (!header) throw new ImageFormatError(NOT_A_PICTURE);
  return header;
}

/** Refuses a picture whose size would make decoding it a memory hazard. */
export function checkImageSize({ format, width, height }: ImageHeader): void {
  const name = format.toUpperCase();
  if (!(width > 0 && height > 0)) throw new ImageFormatError(`the ${name} says it is ${width}×${height} pixels`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new ImageFormatError(
      `the ${name} is ${width}×${height} pixels; Zoetrope reads pictures of at most ${MAX_IMAGE_SIDE} pixels a side and ${MAX_IMAGE_PIXELS / (1024 * 1024)} megapixels`,
    );
  }
}

/**
 * Decodes a picked picture after checking its file size and header: the one way pictures from
 * outside are decoded (the engine's image input and the form's thumbnails alike).
 */
export async function decodePicture(picture: Blob): Promise<ImageBitmap> {
  if (picture.size > MAX_IMAGE_BYTES) {
    throw new ImageFormatError(`the file is ${(picture.size / 2 ** 20).toFixed(0)} MB; Zoetrope reads pictures of at most ${MAX_IMAGE_BYTES / 2 ** 20} MB`);
  }
  const header = readImageHeader(new Uint8Array(await picture.slice(0, IMAGE_HEADER_BYTES).arrayBuffer()));
  checkImageSize(header);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(picture);
  } catch {
    throw new ImageFormatError(`the ${header.format.toUpperCase()} file is damaged: this browser cannot decode it`);
  }
  // A decoder that disagrees with the header (a second size further on) is held to the same limits.
  if (bitmap.width > MAX_IMAGE_SIDE || bitmap.height > MAX_IMAGE_SIDE) {
    bitmap.close();
    throw new ImageFormatError(`the picture decodes to ${bitmap.width}×${bitmap.height} pixels, more than its header says`);
  }
  return bitmap;
}

function startsWith(bytes: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function sniff(bytes: Uint8Array, view: DataView): ImageHeader | null {
  if (startsWith(bytes, 0, '\x89PNG\r\n\x1a\n')) return png(bytes, view);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpeg(bytes, view);
  if (startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WEBP')) return webp(bytes, view);
  if (startsWith(bytes, 0, 'GIF87a') || startsWith(bytes, 0, 'GIF89a')) return bytes.length >= 10 ? { format: 'gif', width: view.getUint16(6, true), height: view.getUint16(8, true) } : cut('GIF');
  if (startsWith(bytes, 0, 'BM')) return bmp(view);
  return null;
}

function cut(format: string): never {
  throw new ImageFormatError(`the ${format} file is cut off before its size`);
}

/** PNG: the signature, then the IHDR chunk: [length 13]['IHDR'][width u32][height u32]… */
function png(bytes: Uint8Array, view: DataView): ImageHeader {
  if (bytes.length < 24) cut('PNG');
  if (!startsWith(bytes, 12, 'IHDR')) throw new ImageFormatError('the PNG does not start with its IHDR chunk');
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * JPEG: segments [FF marker][length u16 (counting itself)][…] until a start-of-frame segment,
 * whose payload is [precision u8][height u16][width u16].
 */
function jpeg(bytes: Uint8Array, view: DataView): ImageHeader {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new ImageFormatError('the JPEG is damaged: a segment does not start with a marker');
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) throw new ImageFormatError('the JPEG has no frame header before its image data');
    const length = view.getUint16(at + 2);
    if (length < 2) throw new ImageFormatError('the JPEG is damaged: a segment has a length under 2');
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) cut('JPEG');
      return { format: 'jpeg', width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
    }
    at += 2 + length;
  }
  return cut('JPEG');
}

/** WebP: RIFF, then a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk that holds the size. */
function webp(bytes: Uint8Array, view: DataView): ImageHeader {
  if (bytes.length < 30) cut('WebP');
  if (startsWith(bytes, 12, 'VP8 ')) {
    // A key frame: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) throw new ImageFormatError('the WebP is damaged: its VP8 frame has no start code');
    return { format: 'webp', width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (startsWith(bytes, 12, 'VP8L')) {
    if (bytes[20] !== 0x2f) throw new ImageFormatError('the WebP is damaged: its VP8L chunk has no signature');
    const bits = view.getUint32(21, true); // 14 bits width − 1, 14 bits height − 1
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (startsWith(bytes, 12, 'VP8X')) {
    const u24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
    return { format: 'webp', width: u24(24) + 1, height: u24(27) + 1 };
  }
  throw new ImageFormatError('the WebP has no VP8, VP8L or VP8X chunk where its size belongs');
}

/** BMP: a 14-byte file header, then the DIB header: [size u32][width i32][height i32] (negative height: top-down rows). */
function bmp(view: DataView): ImageHeader {
  if (view.byteLength < 26) cut('BMP');
  const dibBytes = view.getUint32(14, true);
  if (dibBytes === 12) return { format: 'bmp', width: view.getUint16(18, true), height: view.getUint16(20, true) }; // OS/2 core header
  return { format: 'bmp', width: view.getInt32(18, true), height: Math.abs(view.getInt32(22, true)) };
}
