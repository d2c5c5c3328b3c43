// The headers that make a page cross-origin isolated, added by the service worker (src/sw.ts) to
// the responses it serves, for hosts that cannot send them. Pure, so it is unit-tested in Node.

/** COOP + COEP: the page gets SharedArrayBuffer, which onnxruntime-web's threaded WASM needs. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The response with COOP and COEP set. Opaque and error responses (status 0) cannot be rebuilt
 * and are not documents or scripts of ours, so they pass through as they are.
 */
export function withIsolationHeaders(response: Response): Response {
  if (response.status === 0 || response.type === 'opaque' || response.type === 'opaqueredirect') return response;
  const alreadySet = Object.entries(ISOLATION_HEADERS).every(([name, value]) => response.headers.get(name) === value);
  if (alreadySet) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
