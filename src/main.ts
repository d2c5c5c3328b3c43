import { mount } from 'svelte';
import App from './app/App.svelte';
import { registerServiceWorker } from './app/pwa.ts';
import { createEngineClient } from './worker/client.ts';
import './app/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
if (new URLSearchParams(location.search).has('automation')) {
  // The command line (src/cli) drives the engine itself: no UI, no service worker, just the
  // worker client on window.zoetrope.
  Object.assign(window, { zoetrope: createEngineClient() });
} else {
  mount(App, { target });
  registerServiceWorker();
}
