// Registers the service worker (src/sw.ts) that precaches the app shell and adds COOP/COEP, so the
// page loads with the network off after the first visit. Model files are not in its cache.
import { registerSW } from 'virtual:pwa-register';

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  // New versions activate at once (skipWaiting in src/sw.ts); the next load uses them.
  registerSW({ immediate: true });
}
