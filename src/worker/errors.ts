// Typed errors that cross the worker boundary intact.
//
// Comlink's default error transfer keeps only name/message/stack, so the UI could not tell a
// missing GPU from a cancelled job. `registerErrorTransfer` (called once on each side of the
// boundary) carries the `code` and `detail` across so the UI can react to the kind of failure.
// The error itself is defined below every floor that throws it (errors/engine_error.ts); the
// page imports it from here, with the transfer that brings it over.
import * as Comlink from 'comlink';
import { EngineError, type EngineErrorCode } from '../errors/engine_error.ts';

export { asEngineError, EngineError, isEngineError, type EngineErrorCode } from '../errors/engine_error.ts';

interface WireError {
  isEngineError: boolean;
  code?: EngineErrorCode;
  name: string;
  message: string;
  detail?: string;
  stack?: string;
}

type ThrownValue = { value: unknown };

let registered = false;

/** Installs the error transfer handler; both the worker and the page must call it. */
export function registerErrorTransfer(): void {
  if (registered) return;
  registered = true;
  const defaultHandler = Comlink.transferHandlers.get('throw');
  if (!defaultHandler) throw new Error('comlink has no "throw" transfer handler to extend');
  const handler: Comlink.TransferHandler<ThrownValue, WireError | { passthrough: unknown }> = {
    canHandle: (value): value is ThrownValue => defaultHandler.canHandle(value),
    serialize({ value }) {
      if (value instanceof EngineError) {
        const wire: WireError = {
          isEngineError: true,
          code: value.code,
          name: value.name,
          message: value.message,
          detail: value.detail,
          stack: value.stack,
        };
        return [wire, []];
      }
      const [inner, transferables] = defaultHandler.serialize({ value } as never);
      return [{ passthrough: inner }, transferables];
    },
    deserialize(wire) {
      if ('passthrough' in wire) return defaultHandler.deserialize(wire.passthrough) as ThrownValue;
      if (wire.isEngineError && wire.code) {
        const error = new EngineError(wire.code, wire.message, wire.detail);
        if (wire.stack) error.stack = wire.stack;
        throw error;
      }
      throw Object.assign(new Error(wire.message), { name: wire.name });
    },
  };
  Comlink.transferHandlers.set('throw', handler as Comlink.TransferHandler<unknown, unknown>);
}
