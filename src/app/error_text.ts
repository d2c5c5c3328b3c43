import { isEngineError } from '../worker/errors.ts';

/** What the page shows for a failed call: the engine's own advice, with detail for the unexpected. */
export function errorText(error: unknown): string {
  if (!isEngineError(error)) return `Something went wrong: ${String(error)}`;
  return error.code === 'internal' && error.detail ? `${error.message} (${error.detail})` : error.message;
}
