import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledModelName, modelNote } from '../../../src/app/model_status.ts';

describe('the model the app ships', () => {
  it('is zoetrope-s unless the build names another shippable model', () => {
    expect(bundledModelName(undefined)).toBe('zoetrope-s');
    expect(bundledModelName('')).toBe('zoetrope-s');
    expect(bundledModelName('tiny-test')).toBe('tiny-test');
  });

  it('refuses a name that is not a shipped model folder, saying which are', () => {
    expect(() => bundledModelName('../secrets')).toThrow('VITE_BUNDLED_MODEL=../secrets: the app can ship zoetrope-s or tiny-test.');
  });

  it('names folders that hold a model manifest', () => {
    for (const name of ['zoetrope-s', 'tiny-test']) {
      const manifest = `models/${name}/manifest.json`;
      expect(existsSync(manifest), manifest).toBe(true);
      expect(JSON.parse(readFileSync(manifest, 'utf8')).config.name).toBe(name);
    }
  });
});

describe('what the page says beside a model', () => {
  it('says plainly what each shipped model can and cannot make (the model card\'s figures)', () => {
    expect(modelNote('tiny-test')).toContain('random weights');
    expect(modelNote('zoetrope-s')).toContain('background and style');
    expect(modelNote('zoetrope-s')).toContain('objects it names do not form yet');
    expect(modelNote('wan2.1-t2v-1.3b')).toBe('');
  });
});
