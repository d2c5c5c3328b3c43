// The install offer's bookkeeping, driven by real DOM-standard events on a Node EventTarget.
import { describe, expect, it } from 'vitest';
import { InstallOffer } from '../../../src/app/install.ts';

/** What Chromium's beforeinstallprompt carries: prompt() and the person's answer. */
function installPromptEvent(outcome: 'accepted' | 'dismissed') {
  const event = new Event('beforeinstallprompt', { cancelable: true }) as Event & { prompted: number };
  event.prompted = 0;
  Object.assign(event, {
    prompt: async () => void event.prompted++,
    userChoice: Promise.resolve({ outcome }),
  });
  return event;
}

describe('InstallOffer', () => {
  it('is unavailable until the browser offers, and keeps the browser from showing its own bar', () => {
    const target = new EventTarget();
    const offer = new InstallOffer(target);
    const seen: boolean[] = [];
    offer.subscribe((available) => seen.push(available));
    const event = installPromptEvent('accepted');
    target.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(seen).toEqual([false, true]);
  });

  it('shows the prompt once and reports the answer; the offer is then used up', async () => {
    const target = new EventTarget();
    const offer = new InstallOffer(target);
    const event = installPromptEvent('dismissed');
    target.dispatchEvent(event);
    expect(await offer.install()).toBe('dismissed');
    expect(event.prompted).toBe(1);
    expect(offer.available).toBe(false);
    expect(await offer.install()).toBe('unavailable');
  });

  it('hides the button once the app is installed', () => {
    const target = new EventTarget();
    const offer = new InstallOffer(target);
    target.dispatchEvent(installPromptEvent('accepted'));
    target.dispatchEvent(new Event('appinstalled'));
    expect(offer.available).toBe(false);
  });
});
