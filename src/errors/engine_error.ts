// The typed error every floor throws (the GPU, the stores, the model, the sampler, the video
// path) and the page receives: a `code` it can react to and a message a person can act on. It sits
// below everything that throws it; carrying it across the worker boundary is the worker's part
// (worker/errors.ts).

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
