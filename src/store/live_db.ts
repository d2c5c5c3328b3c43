// An IndexedDB connection that survives the database being taken away while the page is open.
//
// The browser closes a connection on its own when the person clears the site's data (the
// connection's `close` event: idb's `terminated`), and asks it to close when another tab or the
// page itself deletes or upgrades the database (`versionchange`: idb's `blocking`). A connection
// kept after either is dead: every later transaction throws "The database connection is closing"
// until the page is reloaded. Here such a connection is dropped at once, the next operation opens
// the database again (empty, or as the other side left it), and `onLost` tells the owner, which
// re-reads what it shows and says what was lost. An operation that meets a closing connection
// before the event arrives is run once more on a fresh one.
import { openDB, type DBSchema, type IDBPDatabase, type OpenDBCallbacks } from 'idb';

export type LossReason =
  /** The browser closed the connection: the site's data was cleared (or the disk failed). */
  | 'closed'
  /** Another tab, or this page, is deleting or upgrading the database. */
  | 'versionchange';

export interface LiveDbOptions<S extends DBSchema> {
  name: string;
  version: number;
  upgrade: OpenDBCallbacks<S>['upgrade'];
  /** The database was taken away; the next operation works on a new connection. */
  onLost?: (reason: LossReason) => void;
  /** Opening waits for another tab that holds an older version open. */
  onBlocked?: () => void;
}

/** Runs of one operation after its connection was found closing, and the pause before each. */
const RETRIES = 2;
const RETRY_DELAY_MS = 100;

export class LiveDb<S extends DBSchema> {
  private opening: Promise<IDBPDatabase<S>> | null = null;
  /** The connection in use once open; a loss is only news for this one (a late event for an old one is not). */
  private live: IDBPDatabase<S> | null = null;
  private lost = 0;
  private closed = false;

  constructor(private readonly options: LiveDbOptions<S>) {}

  /** How many times the database was taken away so far: a change means stored state is gone. */
  get losses(): number {
    return this.lost;
  }

  /** The open connection, opening one when there is none (first use, or after a loss). */
  connection(): Promise<IDBPDatabase<S>> {
    if (this.closed) return Promise.reject(new DOMException('the store was closed', 'InvalidStateError'));
    if (this.opening) return this.opening;
    const { name, version, upgrade, onBlocked } = this.options;
    let opened: IDBPDatabase<S> | null = null;
    const attempt: Promise<IDBPDatabase<S>> = openDB<S>(name, version, {
      upgrade,
      blocked: () => onBlocked?.(),
      // Close at once, so the other side's delete or upgrade is not held up by this tab.
      blocking: () => this.drop(opened, 'versionchange'),
      terminated: () => this.drop(opened, 'closed'),
    }).then(
      (db) => {
        opened = db;
        if (this.opening === attempt) this.live = db;
        return db;
      },
      (error: unknown) => {
        if (this.opening === attempt) this.opening = null; // the next call tries again
        throw error;
      },
    );
    this.opening = attempt;
    return attempt;
  }

  /**
   * Runs `operation` on the connection. When the connection turns out to be closing (taken away
   * before its event reached us), or a new one is closed while the browser is still clearing the
   * site's data, runs it again on a new connection, a moment later: twice at most.
   */
  async run<T>(operation: (db: IDBPDatabase<S>) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let db: IDBPDatabase<S> | null = null;
      try {
        db = await this.connection();
        return await operation(db);
      } catch (error) {
        if (!isClosingConnection(error) || this.closed || attempt >= RETRIES) throw error;
        if (db) this.forget(db);
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * (attempt + 1)));
      }
    }
  }

  /** Drops `db` as lost when it is the connection in use: for a failure that shows it is closing before its event arrived. */
  forget(db: IDBPDatabase<S>): void {
    this.drop(db, 'closed');
  }

  close(): void {
    this.closed = true;
    void this.opening?.then((db) => db.close(), () => undefined);
    this.opening = null;
    this.live = null;
  }

  private drop(db: IDBPDatabase<S> | null, reason: LossReason): void {
    if (!db) return;
    db.close();
    if (db !== this.live || this.closed) return;
    this.live = null;
    this.opening = null;
    this.lost++;
    this.options.onLost?.(reason);
  }
}

/**
 * Whether an IndexedDB failure means the connection itself is gone: "The database connection is
 * closing" (InvalidStateError) on a connection the browser closed, "The connection was closed"
 * (AbortError) for a request or an open cut short by the clearing.
 */
export function isClosingConnection(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  return name === 'InvalidStateError' || ((name === 'AbortError' || name === 'UnknownError') && /connection (is |was )?clos/i.test(message));
}
