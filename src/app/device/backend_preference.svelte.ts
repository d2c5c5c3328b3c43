// The page's one backend preference, shared by the device panel (which sets it) and the engine
// handle the create screen uses (which sends it with each request).
import { readBackendChoice, saveBackendChoice, type BackendChoice } from './backend_choice.ts';

class BackendPreference {
  #choice = $state<BackendChoice>(readBackendChoice());

  get choice(): BackendChoice {
    return this.#choice;
  }

  set choice(value: BackendChoice) {
    this.#choice = value;
    saveBackendChoice(value);
  }
}

export const backendPreference = new BackendPreference();
