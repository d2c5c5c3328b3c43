// The engine's worker: the real Engine, exposed to the page with comlink.
import * as Comlink from 'comlink';
import { ZoetropeEngine } from './engine.ts';
import { registerTransferHandlers } from './transfer.ts';

registerTransferHandlers();
Comlink.expose(new ZoetropeEngine());
