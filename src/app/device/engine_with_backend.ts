// The engine handle the create screen uses: every generation carries the backend chosen in
// "This device" (unless the request names one itself), and each finished clip is reported so the
// panel can say which backend really made it.
import type { BackendChoice, Clip, ClipCallbacks, GenerateRequest } from '../../worker/api.ts';
import type { EngineClient } from '../../worker/client.ts';

export function withBackendChoice(engine: EngineClient, choice: () => BackendChoice, onClip: (clip: Clip) => void): EngineClient {
  return {
    ...engine,
    generate: async (request: GenerateRequest, callbacks?: ClipCallbacks): Promise<Clip> => {
      const clip = await engine.generate({ ...request, backend: request.backend ?? choice() }, callbacks);
      onClip(clip);
      return clip;
    },
  };
}
