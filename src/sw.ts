/// <reference lib="webworker" />
// The service worker: precaches the app shell (the list is injected at build time by
// vite-plugin-pwa's injectManifest; see vite.config.ts) so the page loads with the network off,
// and adds the cross-origin isolation headers to every response it serves.
//
// Why the headers here: onnxruntime-web's WASM backend needs SharedArrayBuffer for threads, which a
// page only gets when cross-origin isolated (COOP + COEP). Our own servers send both headers, but a
// static host (GitHub Pages and the like) cannot; once this worker controls the page, the documents
// and worker scripts it serves carry them anyway. Model files are never in this cache: they live in
// IndexedDB (src/store).
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { withIsolationHeaders } from './app/pwa_isolation.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

addPlugins([{ handlerWillRespond: async ({ response }) => withIsolationHeaders(response) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Every page URL (/, /?dev, a share link's fragment) is the one-page app.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

// New versions take over at once (registerType 'autoUpdate' in vite.config.ts); the next load uses them.
void self.skipWaiting();
clientsClaim();
