// The browser's install offer. Chromium-based browsers fire `beforeinstallprompt` when the app is
// installable; keeping that event lets an Install button show the browser's own prompt later.
// Browsers that never fire it (Safari, Firefox) never show the button. `appinstalled` hides it.

/** Chromium's event (not in the DOM typings: it is not a standard). */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export class InstallOffer {
  private offer: BeforeInstallPromptEvent | null = null;
  private readonly listeners = new Set<(available: boolean) => void>();

  constructor(target: EventTarget) {
    target.addEventListener('beforeinstallprompt', (event) => {
      event.preventDefault(); // no mini-infobar: the page offers its own button
      this.set(event as BeforeInstallPromptEvent);
    });
    target.addEventListener('appinstalled', () => this.set(null));
  }

  get available(): boolean {
    return this.offer !== null;
  }

  /** Calls `listener` now and whenever the offer comes or goes; returns the unsubscribe. */
  subscribe(listener: (available: boolean) => void): () => void {
    this.listeners.add(listener);
    listener(this.available);
    return () => this.listeners.delete(listener);
  }

  /** Shows the browser's install prompt; an offer can be used once, so it is gone afterwards. */
  async install(): Promise<'accepted' | 'dismissed' | 'unavailable'> {
    const offer = this.offer;
    if (!offer) return 'unavailable';
    this.set(null);
    await offer.prompt();
    return (await offer.userChoice).outcome;
  }

  private set(offer: BeforeInstallPromptEvent | null): void {
    this.offer = offer;
    for (const listener of this.listeners) listener(this.available);
  }
}

/** The page's one offer, listening from the moment the app's code runs (the event can come early). */
export const installOffer: InstallOffer | null = typeof window === 'undefined' ? null : new InstallOffer(window);
