/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation gives the page SharedArrayBuffer, which onnxruntime-web's
// multi-threaded WASM backend needs. Our own dev and preview servers send the headers;
// hosts that cannot are covered by the service worker (src/sw.ts).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The model the app ships with, served from the app's own origin (the dev server serves the repo
 * root already; the build copies it to dist/). The page loads it into IndexedDB like any model;
 * the service worker does not cache it (workbox globIgnores below). zoetrope-s, or the model
 * VITE_BUNDLED_MODEL names (src/app/model_status.ts checks the name; the browser tests build with tiny-test).
 */
function bundledModel(dir = `models/${process.env.VITE_BUNDLED_MODEL || 'zoetrope-s'}`): Plugin {
  return {
    name: 'zoetrope-bundled-model',
    apply: 'build',
    generateBundle() {
      // The manifest and the files it lists: what the page downloads (not the model card's samples/).
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
      for (const file of ['manifest.json', ...manifest.files.map((f) => f.path)]) {
        this.emitFile({ type: 'asset', fileName: `${dir}/${file}`, source: readFileSync(join(dir, file)) });
      }
    },
  };
}

export default defineConfig({
  plugins: [
    svelte(),
    bundledModel(),
    VitePWA({
      // public/manifest.webmanifest is the manifest; the plugin only builds the service worker.
      manifest: false,
      injectRegister: false,
      registerType: 'autoUpdate',
      // Our own service worker (src/sw.ts): workbox precaching plus the COOP/COEP headers that make
      // the page cross-origin isolated on hosts that cannot send them.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectManifest: {
        // The app shell, including onnxruntime-web's WebAssembly runtime (the VAE runs on it), so
        // generation works offline, and the title fonts (src/video/fonts). Model weights live in IndexedDB (src/store), never in this cache.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,wasm,ttf}'],
        globIgnores: ['**/models/**', '**/*.safetensors', '**/*.onnx'],
        // The runtime is ~27 MB; the default limit (2 MiB) would silently leave it out.
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
        // A classic script: every browser with service workers runs it (module workers came later).
        rollupFormat: 'iife',
      },
    }),
  ],
  worker: { format: 'es' },
  // onnxruntime-web ships ready-made ES bundles that find their .wasm files next to themselves;
  // pre-bundling would move them away from those files and reload pages on first import.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022' },
  server: { host: '127.0.0.1', port: 5173, headers: isolationHeaders },
  preview: { host: '127.0.0.1', port: 4173, headers: isolationHeaders },
  // Unit tests: pure TypeScript in Node. Browser and GPU tests run under Playwright
  // (tests/playwright.config.ts).
  // The Wan twins' checkpoint files are written by Python once, before any test file runs.
  test: { include: ['tests/unit/**/*.test.ts'], environment: 'node', globalSetup: ['tests/unit/support/wan_twins_setup.ts'] },
});
