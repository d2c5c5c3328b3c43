// Image-to-video in the built app: a picture picked from a file becomes the clip's first frame;
// its thumbnail is cropped to the chosen aspect; a file that is not a picture gets the engine's
// message and the form keeps everything; a clip made from a picture has no share link.
import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { probe } from '../support/media.ts';
import { downloadFrom, openApp } from './create_helpers.ts';

/** A PNG of `width`×`height`: the left half red, the right half blue (RGB, no filter). */
function twoColourPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method, no interlace
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set(x < width / 2 ? [220, 30, 30] : [30, 30, 220], y * (width * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

test('image-to-video from a file: cropped thumbnail, bad file refused with the form kept, MP4 with the right frames, no share link', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'zoetrope-media-'));
  const png = join(dir, 'red-blue.png');
  writeFileSync(png, twoColourPng(300, 300));
  const text = join(dir, 'notes.png'); // an image's name, not an image's bytes
  writeFileSync(text, 'this is a text file, not a picture\n');

  await openApp(page);
  await page.getByTestId('prompt').fill('a red ball bounces');
  await page.getByTestId('duration').fill('1');
  await page.getByTestId('steps').fill('1');
  await expect(page.getByTestId('media-mode')).toContainText('Optional: start from a picture');

  // Not a picture: the engine says so, and the prompt, settings and picked file all stay.
  await page.getByTestId('picture-start-input').setInputFiles(text);
  await expect(page.getByTestId('picture-start-unreadable')).toBeVisible();
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('message')).toContainText('The start image could not be read: it is not an image this browser can open');
  await expect(page.getByTestId('prompt')).toHaveValue('a red ball bounces');
  await expect(page.getByTestId('duration')).toHaveValue('1');
  await expect(page.getByTestId('steps')).toHaveValue('1');
  await expect(page.getByTestId('picture-start')).toContainText('notes.png');
  await expect(page.getByTestId('history-empty')).toBeVisible();

  // Remove it and pick a real picture: its thumbnail has the 16:9 bucket's shape (a square cropped).
  await page.getByTestId('picture-start-remove').click();
  await page.getByTestId('picture-start-input').setInputFiles(png);
  const thumbnail = page.getByTestId('picture-start-thumbnail');
  await expect(thumbnail).toHaveAttribute('width', '112');
  await expect(thumbnail).toHaveAttribute('height', '64');
  // Cropped around the centre: the left edge is red, the right edge blue.
  const edges = await thumbnail.evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d')!;
    return [Array.from(context.getImageData(2, 32, 1, 1).data), Array.from(context.getImageData(109, 32, 1, 1).data)];
  });
  expect(edges[0]![0]).toBeGreaterThan(180);
  expect(edges[1]![2]).toBeGreaterThan(180);
  await expect(page.getByTestId('media-mode')).toContainText('Image-to-video');
  // Switching the aspect re-crops the thumbnail to the new shape.
  await page.getByTestId('aspect').selectOption('9:16');
  await expect(thumbnail).toHaveAttribute('width', '64');
  await expect(thumbnail).toHaveAttribute('height', '112');
  await page.getByTestId('aspect').selectOption('16:9');

  await page.getByTestId('generate').click();
  await expect(page.getByTestId('player')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('message')).toHaveCount(0);
  const { path } = await downloadFrom(page, () => page.getByTestId('download').click());
  expect(probe(path)).toMatchObject({ width: 112, height: 64, frames: 8 });

  // A link cannot carry the picture: no share link, and the page says why.
  await expect(page.getByTestId('copy-share-link')).toBeDisabled();
  await expect(page.getByTestId('share-blocked')).toContainText('This clip started from a picture, which a link cannot carry');
  await expect(page.getByTestId('history-item').getByTestId('history-origin')).toHaveText('from a picture');

  // An end picture too makes in-betweening, said in one line.
  await page.getByTestId('picture-end-input').setInputFiles(png);
  await expect(page.getByTestId('media-mode')).toContainText('In-betweening');
});
