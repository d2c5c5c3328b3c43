// The speed measurement, shared by the device panel (which runs it) and the hint next to
// Generate (which scales it to the chosen settings). It lasts for the visit: a new visit may
// be on another backend, with other tabs competing, so it is measured again on request.
import type { Calibration } from './speed.ts';

export interface ChosenClip {
  durationSeconds: number;
  height: number;
  width: number;
}

class SpeedState {
  calibration = $state<Calibration | null>(null);
  /** What the create screen is set to make, for the panel's estimate. */
  chosen = $state<ChosenClip | null>(null);
}

export const speedState = new SpeedState();
