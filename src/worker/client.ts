// The page's handle on the engine worker. The UI talks to the engine only through this.
//
// `EngineClient` has the Engine interface; callbacks are wrapped here so callers pass plain
// functions, exactly as they would to the in-thread engine.
import * as Comlink from 'comlink';
import type {
  Clip,
  ClipCallbacks,
  EditedClip,
  EditRequest,
  Engine,
  GenerateRequest,
  GpuStatus,
  LoadProgress,
  MediaInput,
  ModelInfo,
  StitchCallbacks,
  StitchedClip,
  TestPatternRequest,
  WanClipRequest,
  WanLoadRequest,
} from './api.ts';
import { callbackBundle, registerTransferHandlers } from './transfer.ts';

export interface EngineClient extends Engine {
  /** Stops the worker; the client cannot be used afterwards. */
  terminate(): void;
}

export function createEngineClient(): EngineClient {
  registerTransferHandlers();
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'zoetrope-engine' });
  const remote = Comlink.wrap<Engine>(worker);
  return {
    describeGpu: () => remote.describeGpu(),
    checkGpu: () => remote.checkGpu(),
    onDeviceLost: (listener: (status: GpuStatus) => void) => remote.onDeviceLost(Comlink.proxy(listener)),
    loseDeviceForTesting: () => remote.loseDeviceForTesting(),
    loadModel: (url: string, onProgress?: (progress: LoadProgress) => void): Promise<ModelInfo> =>
      remote.loadModel(url, onProgress ? Comlink.proxy(onProgress) : undefined),
    listModels: () => remote.listModels(),
    deleteModel: (name: string) => remote.deleteModel(name),
    storageUse: () => remote.storageUse(),
    inspectPrompt: (prompt: string) => remote.inspectPrompt(prompt),
    describeBackends: () => remote.describeBackends(),
    generate: (request: GenerateRequest, callbacks?: ClipCallbacks): Promise<Clip> =>
      remote.generate(request, callbackBundle(callbacks)),
    renderTestPattern: (request: TestPatternRequest, callbacks?: ClipCallbacks): Promise<Clip> =>
      remote.renderTestPattern(request, callbackBundle(callbacks)),
    stitch: (clips: MediaInput[], callbacks?: StitchCallbacks): Promise<StitchedClip> => remote.stitch(clips, callbackBundle(callbacks)),
    edit: (request: EditRequest, callbacks?: StitchCallbacks): Promise<EditedClip> => remote.edit(request, callbackBundle(callbacks)),
    planWanDownload: (request: WanLoadRequest) => remote.planWanDownload(request),
    loadWan: (request: WanLoadRequest, onProgress?: (progress: LoadProgress) => void) =>
      remote.loadWan(request, onProgress ? Comlink.proxy(onProgress) : undefined),
    generateWan: (request: WanClipRequest, callbacks?: ClipCallbacks): Promise<Clip> => remote.generateWan(request, callbackBundle(callbacks)),
    cancel: () => remote.cancel(),
    terminate: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
