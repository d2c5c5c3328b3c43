import { describe, expect, it } from 'vitest';
import { throwIfCancelled } from '../../../src/errors/cancelled.ts';
import { isEngineError } from '../../../src/errors/engine_error.ts';

describe('throwIfCancelled', () => {
  it('throws a cancelled EngineError only once aborted', () => {
    const controller = new AbortController();
    expect(() => throwIfCancelled(controller.signal)).not.toThrow();
    controller.abort();
    expect(() => throwIfCancelled(controller.signal)).toThrow('Cancelled');
    expect(() => throwIfCancelled(controller.signal)).toThrow(expect.toSatisfy((e) => isEngineError(e, 'cancelled')));
  });
});
