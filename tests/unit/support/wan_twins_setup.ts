// Vitest global setup: the Wan twins (models/wan/make_twins.py) in .cache/wan-twins, written once
// and kept while their Python sources are unchanged (the script checks and returns at once then).
// They are hundreds of MB at the real widths, so they are made here, never committed.
import { spawnSync } from 'node:child_process';

export const WAN_TWINS_DIR = '.cache/wan-twins';

export default function setup(): void {
  const result = spawnSync('/usr/bin/python3', ['models/wan/make_twins.py', '--out', WAN_TWINS_DIR], { encoding: 'utf8' });
  // A failure is reported by the tests that need the files (they name what is missing).
  if (result.status !== 0) console.error(`models/wan/make_twins.py failed:\n${result.stderr ?? result.error}`);
}
