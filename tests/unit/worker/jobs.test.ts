import { describe, expect, it } from 'vitest';
import { JobSlot } from '../../../src/worker/jobs.ts';
import { isEngineError } from '../../../src/worker/errors.ts';

describe('JobSlot', () => {
  it('refuses a second job while one runs, then accepts the next', async () => {
    const slot = new JobSlot();
    let release!: () => void;
    const first = slot.run(() => new Promise<string>((resolve) => (release = () => resolve('first'))));
    await expect(slot.run(async () => 'second')).rejects.toSatisfy((e) => isEngineError(e, 'busy'));
    release();
    await expect(first).resolves.toBe('first');
    await expect(slot.run(async () => 'third')).resolves.toBe('third');
  });

  it('turns whatever a cancelled job throws into a cancelled error', async () => {
    const slot = new JobSlot();
    const job = slot.run(async (signal) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (signal.aborted) throw new Error('some inner failure while stopping');
      return 'finished';
    });
    slot.cancel();
    await expect(job).rejects.toSatisfy((e) => isEngineError(e, 'cancelled'));
    expect(slot.running).toBe(false);
  });
});

describe('JobSlot errors', () => {
  it('wraps an unexpected failure into an internal EngineError that keeps the original message', async () => {
    const job = new JobSlot().run(async () => {
      throw new TypeError('mapAsync failed');
    });
    await expect(job).rejects.toSatisfy((e) => isEngineError(e, 'internal') && e.detail === 'TypeError: mapAsync failed');
  });
});
