import { describe, expect, it } from 'vitest';
import { markUnknownWords, unknownWordsHint } from '../../../src/app/prompt_marks.ts';
import { thumbnailSize } from '../../../src/app/thumbnail.ts';

describe('underlining unknown words', () => {
  it('marks each unknown token in place, case-insensitively, keeping the text as typed', () => {
    const pieces = markUnknownWords('A red Ball bounces on a  sunset sky!', ['ball', 'sunset', 'sky', '!']);
    expect(pieces.map((p) => p.text).join('')).toBe('A red Ball bounces on a  sunset sky!');
    expect(pieces.filter((p) => p.unknown).map((p) => p.text)).toEqual(['Ball', 'sunset', 'sky', '!']);
  });

  it('does not mark a known word that contains an unknown one', () => {
    expect(markUnknownWords('a ballroom ball', ['ball'])).toEqual([
      { text: 'a ballroom ', unknown: false },
      { text: 'ball', unknown: true },
    ]);
  });

  it('hints each unknown word once', () => {
    expect(unknownWordsHint([])).toBe('');
    expect(unknownWordsHint(['Sky', 'sky'])).toMatch(/^The model does not know “sky”: it is read/);
    expect(unknownWordsHint(['sky', 'sunset'])).toMatch(/“sky”, “sunset”: they are/);
  });
});

describe('thumbnails', () => {
  it('fit the longest side in 160 px and never scale up', () => {
    expect(thumbnailSize(448, 256)).toEqual({ width: 160, height: 91 });
    expect(thumbnailSize(256, 448)).toEqual({ width: 91, height: 160 });
    expect(thumbnailSize(112, 64)).toEqual({ width: 112, height: 64 });
  });
});
