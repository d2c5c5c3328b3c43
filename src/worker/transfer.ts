// How values cross the worker boundary beyond what comlink does by itself.
//
// - Errors keep their type and code (errors.ts).
// - A bundle of callbacks ({ onProgress, onFrame }) crosses as an object of remote functions.
//   Comlink proxies only top-level arguments, and a proxied object would answer every property
//   read with another proxy, so the engine could not tell a missing callback from a present one.
//   Here each function present gets its own channel and missing ones stay missing.
// - Frames handed to callbacks are transferred, not copied.
import * as Comlink from 'comlink';
import { registerErrorTransfer } from './errors.ts';

const bundleMarker = Symbol('zoetrope.callbacks');

type Callbacks = Record<string, ((...args: never[]) => unknown) | undefined>;
type MarkedCallbacks = Callbacks & { [bundleMarker]: true };

/** Marks `callbacks` to cross the worker boundary as callable functions. */
export function callbackBundle<T extends object>(callbacks: T | undefined): T {
  return Object.assign({}, callbacks, { [bundleMarker]: true }) as T;
}

interface WireBundle {
  names: string[];
  ports: MessagePort[];
}

let registered = false;

/** Both the worker and the page call this before any message crosses. */
export function registerTransferHandlers(): void {
  registerErrorTransfer();
  if (registered) return;
  registered = true;
  const bundleHandler: Comlink.TransferHandler<MarkedCallbacks, WireBundle> = {
    canHandle: (value): value is MarkedCallbacks =>
      typeof value === 'object' && value !== null && bundleMarker in value,
    serialize(callbacks) {
      const names = Object.keys(callbacks).filter((name) => typeof callbacks[name] === 'function');
      const ports = names.map((name) => {
        const { port1, port2 } = new MessageChannel();
        const callback = callbacks[name]!;
        // The engine waits for the callback but never uses what it returns, and a return value
        // comlink cannot clone (a Svelte state proxy, say) would fail the call: send none back.
        Comlink.expose(async (...args: never[]) => {
          await callback(...args);
        }, port1);
        return port2;
      });
      return [{ names, ports }, ports];
    },
    deserialize({ names, ports }) {
      const callbacks: Callbacks = {};
      names.forEach((name, i) => {
        const port = ports[i]!;
        port.start();
        callbacks[name] = Comlink.wrap(port) as unknown as Callbacks[string];
      });
      return callbacks as MarkedCallbacks;
    },
  };
  Comlink.transferHandlers.set('callbacks', bundleHandler as Comlink.TransferHandler<unknown, unknown>);
}

/**
 * `callbacks` with every frame given to onFrame handed over (hand): the engine's jobs call onFrame
 * with frames they are done with, and this is the one place that knows a worker boundary may lie
 * between them and the page.
 */
export function handingFrames<T extends { onFrame?: (frame: VideoFrame, index: number) => unknown }>(callbacks: T): T {
  if (!callbacks.onFrame) return callbacks;
  return { ...callbacks, onFrame: (frame: VideoFrame, index: number) => callbacks.onFrame!(hand(frame), index) };
}

/**
 * Hands a frame to a callback. Across the worker boundary comlink transfers it (the page gets
 * the frame, the worker no longer has it); in-thread the callback gets the same object. Either
 * way the receiver owns the frame and must close() it.
 */
export function hand(frame: VideoFrame): VideoFrame {
  return Comlink.transfer(frame, [frame as unknown as Transferable]);
}
