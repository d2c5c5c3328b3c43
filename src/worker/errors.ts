// Typed errors that cross the worker boundary intact.
//
// Comlink's default error transfer keeps only name/message/stack, so the UI could not tell a
// missing GPU from a cancelled job. `registerErrorTransfer` (called once on each side of the
// boundary) carries the `code` and `detail` across so the UI can react to the kind of failure.
import * as Comlink from 'comlink';

export type EngineErrorCode =
  | 'no-webgpu' // navigator.gpu is missing
  | 'no-adapter' // navigator.gpu exists but offers no adapter
  | 'device-request-failed'
  | 'device-lost'
  | 'bad-request' // the caller asked for something invalid; nothing was started
  | 'prompt-refused' // the prompt is on the unsafe-prompt list (prompt_filter_words.json); nothing was started
  | 'busy' // another job is running
  | 'cancelled'
  | 'codec-unsupported' // no video codec this browser can encode
  | 'encoder-failed'
  | 'model-not-loaded'
  | 'model-fetch-failed'
  | 'model-invalid'
  | 'storage-full' // the browser will not store the model: too little space or quota
  | 'model-unsupported' // the model loaded but this build cannot run it
  | 'internal'; // a bug or an unexpected browser failure; `detail` has the original message

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    /** Technical detail (the browser's own message, a status code) for logs and bug reports. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function isEngineError(value: unknown, code?: EngineErrorCode): value is EngineError {
  return value instanceof EngineError && (code === undefined || value.code === code);
}

/** Wraps anything thrown into an EngineError, keeping an existing one as it is. */
export function asEngineError(value: unknown, code: EngineErrorCode, message: string): EngineError {
  if (value instanceof EngineError) return value;
  const detail = value instanceof Error ? `${value.name}: ${value.message}` : String(value);
  return new EngineError(code, message, detail);
}

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
