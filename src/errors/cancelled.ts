// The error a cancelled job ends with, wherever the cancel finds it: between windows in the
// sampler, between frames in the video path, between clips in a stitch.
import { EngineError } from './engine_error.ts';

export function cancelled(): EngineError {
  return new EngineError('cancelled', 'Cancelled. Nothing was saved from this run.');
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw cancelled();
}
