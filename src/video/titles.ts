// Titles drawn into a clip's frames before they are encoded, so every player shows them. The text
// goes through a 2D canvas's fillText, which draws characters and never reads markup; the fonts
// ship with the app (src/video/fonts, DejaVu, Bitstream Vera licence), loaded from its own origin,
// never from another. Works in a worker (OffscreenCanvas, the worker's FontFaceSet) and a page.
//
// A title covers frames [round(from · fps), round(to · fps)) of the clip it is drawn on. With a
// fade it comes in and goes out over round(fade · fps) frames at each end, its first and last
// frames already (still) faintly there, so it is visible in exactly its frames.
import sansUrl from './fonts/DejaVuSans-Bold.ttf?url';
import serifUrl from './fonts/DejaVuSerif.ttf?url';
import monoUrl from './fonts/DejaVuSansMono.ttf?url';

export interface Title {
  /** Plain text, drawn as it is (the edit check refuses markup and control characters). */
  text: string;
  /** Seconds on the clip it is drawn on: [from, to). */
  from: number;
  to: number;
  position: 'top' | 'middle' | 'bottom';
  font: 'sans' | 'serif' | 'mono';
  /** Text height as a share of the frame's height. */
  size: number;
  /** #rrggbb */
  colour: string;
  /** Seconds of fade in and of fade out (0: none). */
  fade: number;
}

const FAMILIES: Record<Title['font'], { family: string; url: string }> = {
  sans: { family: 'Zoetrope Title Sans', url: sansUrl },
  serif: { family: 'Zoetrope Title Serif', url: serifUrl },
  mono: { family: 'Zoetrope Title Mono', url: monoUrl },
};

/** The clip frames a title covers: [first, end). */
export function titleFrames(title: Pick<Title, 'from' | 'to'>, fps: number): [number, number] {
  return [Math.round(title.from * fps), Math.round(title.to * fps)];
}

/** The title's opacity in clip frame `frame`: 0 outside its frames, ramping over its fades. */
export function titleAlpha(title: Pick<Title, 'from' | 'to' | 'fade'>, frame: number, fps: number): number {
  const [first, end] = titleFrames(title, fps);
  if (frame < first || frame >= end) return 0;
  const fadeFrames = Math.round(title.fade * fps);
  if (fadeFrames === 0) return 1;
  // Frame first is 1/(fade+1) in, first+fade fully in; the same backwards from the end.
  return Math.min(1, (frame - first + 1) / (fadeFrames + 1), (end - frame) / (fadeFrames + 1));
}

let loading: Promise<void> | null = null;

/** Loads the three title fonts from the app's own files, once per worker or page. */
export function loadTitleFonts(): Promise<void> {
  loading ??= (async () => {
    const fonts = (globalThis as unknown as { fonts?: FontFaceSet; document?: Document }).fonts ?? globalThis.document?.fonts;
    if (!fonts) throw new Error('this browser has no FontFaceSet to load the title fonts into');
    await Promise.all(Object.values(FAMILIES).map(async ({ family, url }) => {
      const face = new FontFace(family, `url(${url})`);
      fonts.add(await face.load());
    }));
  })().catch((error: unknown) => {
    loading = null; // let a later edit try again
    throw error;
  });
  return loading;
}

/**
 * Draws the titles showing in clip frame `frame` onto `rgba` (width × height RGBA8), in place.
 * Call loadTitleFonts first. Returns whether any title was drawn.
 */
export function drawTitles(rgba: Uint8Array<ArrayBuffer>, width: number, height: number, titles: readonly Title[], frame: number, fps: number): boolean {
  const showing = titles.map((title) => ({ title, alpha: titleAlpha(title, frame, fps) })).filter((t) => t.alpha > 0);
  if (showing.length === 0) return false;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2D canvas context to draw titles with');
  context.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), width, height), 0, 0);
  for (const { title, alpha } of showing) {
    const px = Math.max(6, Math.round(title.size * height));
    const margin = Math.round(0.06 * height);
    context.globalAlpha = alpha;
    context.font = `${px}px "${FAMILIES[title.font].family}"`;
    context.textAlign = 'center';
    context.textBaseline = title.position === 'top' ? 'top' : title.position === 'middle' ? 'middle' : 'bottom';
    const y = title.position === 'top' ? margin : title.position === 'middle' ? height / 2 : height - margin;
    const maxWidth = width * 0.92;
    // A dark outline keeps light text readable on light frames.
    context.lineJoin = 'round';
    context.lineWidth = Math.max(1, px / 10);
    context.strokeStyle = '#000000';
    context.strokeText(title.text, width / 2, y, maxWidth);
    context.fillStyle = title.colour;
    context.fillText(title.text, width / 2, y, maxWidth);
  }
  rgba.set(context.getImageData(0, 0, width, height).data);
  return true;
}
