// One job at a time: a job owns the engine until it ends, and `cancel` aborts it.
import { cancelled } from '../errors/cancelled.ts';
import { asEngineError, EngineError } from './errors.ts';

export class JobSlot {
  private controller: AbortController | null = null;

  /** Runs `job` unless another is running; its signal aborts on cancel(). */
  async run<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.controller) {
      throw new EngineError('busy', 'Zoetrope is already working on a clip. Wait for it or cancel it first.');
    }
    const controller = new AbortController();
    this.controller = controller;
    try {
      return await job(controller.signal);
    } catch (error) {
      // Whatever a cancelled job threw on its way out, the caller learns it was cancelled.
      if (controller.signal.aborted) throw cancelled();
      throw asEngineError(error, 'internal', 'Something unexpected went wrong and the job stopped. Try again; if it keeps happening, reload the page.');
    } finally {
      this.controller = null;
    }
  }

  get running(): boolean {
    return this.controller !== null;
  }

  cancel(): void {
    this.controller?.abort(cancelled());
  }
}
