import { describe, expect, it } from 'vitest';
import { withIsolationHeaders } from '../../../src/app/pwa_isolation.ts';

describe('withIsolationHeaders', () => {
  it('adds COOP and COEP and keeps the body, status and other headers', async () => {
    const original = new Response('<!doctype html>', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'text/html' } });
    const isolated = withIsolationHeaders(original);
    expect(isolated.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(isolated.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(isolated.headers.get('Content-Type')).toBe('text/html');
    expect(isolated.status).toBe(200);
    expect(await isolated.text()).toBe('<!doctype html>');
  });

  it('overrides weaker values a host sent', () => {
    const original = new Response('x', { headers: { 'Cross-Origin-Embedder-Policy': 'unsafe-none' } });
    expect(withIsolationHeaders(original).headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
  });

  it('returns a response that already has both headers unchanged', () => {
    const original = new Response('x', {
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    });
    expect(withIsolationHeaders(original)).toBe(original);
  });

  it('passes error responses through (they cannot be rebuilt)', () => {
    const failed = Response.error();
    expect(withIsolationHeaders(failed)).toBe(failed);
  });
});
