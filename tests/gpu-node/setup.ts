// Runs around every test file (setupFiles in ./vitest.config.ts): each file gets a fresh device
// and gives it back, so one file's leaked buffers never count in the next one's memory checks.
import { afterAll } from 'vitest';
import { closeNodeGpu } from '../support/dawn.ts';

afterAll(closeNodeGpu);
