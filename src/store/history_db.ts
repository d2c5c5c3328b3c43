// The history's IndexedDB database, apart from the model store's (its own name, so clearing one
// never touches the other):
//
//   entries  id → HistoryEntry (settings, facts, lineage, thumbnail): what the panel lists
//   videos   id → { mp4 }: the clip itself, read only to play or download it
//
// MP4s are kept apart so listing the history does not read every video into memory. An entry and
// its video are written in one transaction: a full disk aborts both and leaves what was saved
// before as it was.
//
// The database can be taken away while the page is open (the person clears the site's data,
// another tab deletes it): live_db.ts then opens it again for the next operation, and `onLost`
// lets the page re-read the list and say which clips are gone.
import type { DBSchema, IDBPDatabase } from 'idb';
import { LiveDb, type LossReason } from './live_db.ts';
import { formatBytes } from './range.ts';
import { isQuotaError } from './store_errors.ts';
import { cleanNote, cleanTitle, type HistoryEntry } from './history.ts';

export const HISTORY_DB_NAME = 'zoetrope-history';
const HISTORY_DB_VERSION = 1;

interface HistoryDbSchema extends DBSchema {
  entries: { key: string; value: HistoryEntry; indexes: { byRoot: string } };
  videos: { key: string; value: { mp4: Blob } };
}

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    message: string,
    readonly quota: boolean,
  ) {
    super(message);
  }
}

export interface HistoryDbEvents {
  /** The database was taken away (see live_db.ts); what it held may be gone. The next call reopens it. */
  onLost?: (reason: LossReason) => void;
  /** Opening waits for another Zoetrope tab that holds an older version of the history open. */
  onBlocked?: () => void;
}

export class HistoryDb {
  private constructor(private readonly db: LiveDb<HistoryDbSchema>) {}

  static async open(events: HistoryDbEvents = {}): Promise<HistoryDb> {
    const db = new LiveDb<HistoryDbSchema>({
      name: HISTORY_DB_NAME,
      version: HISTORY_DB_VERSION,
      upgrade(db) {
        db.createObjectStore('entries', { keyPath: 'id' }).createIndex('byRoot', 'rootId');
        db.createObjectStore('videos');
      },
      ...events,
    });
    try {
      await db.connection();
    } catch (cause) {
      throw new HistoryError(`This browser does not let Zoetrope keep a history (IndexedDB is unavailable: ${String(cause)}). Download clips you want to keep.`, false);
    }
    return new HistoryDb(db);
  }

  list(): Promise<HistoryEntry[]> {
    return this.db.run((db) => db.getAll('entries'));
  }

  async video(id: string): Promise<Blob | null> {
    return (await this.db.run((db) => db.get('videos', id)))?.mp4 ?? null;
  }

  /** Saves a new entry with its MP4, both or neither. */
  async add(entry: HistoryEntry, mp4: Blob): Promise<void> {
    try {
      await this.db.run((db) => addBoth(db, entry, mp4));
    } catch (error) {
      if (isQuotaError(error)) throw await this.quotaError(mp4.size);
      throw new HistoryError(`The clip could not be saved to the history (${String(error)}). Download it to keep it.`, false);
    }
  }

  /** Renames an entry or changes its note; returns the entry as stored. */
  async update(id: string, change: { title?: string; note?: string }): Promise<HistoryEntry | null> {
    try {
      return await this.db.run(async (db) => {
        const tx = db.transaction('entries', 'readwrite');
        const entry = await tx.store.get(id);
        if (!entry) {
          await tx.done;
          return null;
        }
        if (change.title !== undefined) entry.title = cleanTitle(change.title, entry.settings.prompt);
        if (change.note !== undefined) entry.note = cleanNote(change.note);
        await Promise.all([tx.store.put(entry), tx.done]);
        return entry;
      });
    } catch (error) {
      if (isQuotaError(error)) throw await this.quotaError(0);
      throw error;
    }
  }

  delete(id: string): Promise<void> {
    return this.db.run(async (db) => {
      const tx = db.transaction(['entries', 'videos'], 'readwrite');
      await Promise.all([tx.objectStore('entries').delete(id), tx.objectStore('videos').delete(id), tx.done]);
    });
  }

  clear(): Promise<void> {
    return this.db.run(async (db) => {
      const tx = db.transaction(['entries', 'videos'], 'readwrite');
      await Promise.all([tx.objectStore('entries').clear(), tx.objectStore('videos').clear(), tx.done]);
    });
  }

  close(): void {
    this.db.close();
  }

  private async quotaError(neededBytes: number): Promise<HistoryError> {
    const estimate = await navigator.storage?.estimate?.().catch(() => null);
    const free = estimate?.quota ? ` (this site may use ${formatBytes(Math.max(0, estimate.quota - (estimate.usage ?? 0)))} more)` : '';
    return new HistoryError(
      `Not saved to the history: the browser's storage is full${free}, and this clip needs ${formatBytes(neededBytes)}. ` +
        'Everything saved before is kept. Download this clip to keep it, or delete old clips and generate it again.',
      true,
    );
  }
}

/** An entry and its MP4 in one transaction: both are written or neither. */
async function addBoth(db: IDBPDatabase<HistoryDbSchema>, entry: HistoryEntry, mp4: Blob): Promise<void> {
  const tx = db.transaction(['entries', 'videos'], 'readwrite');
  try {
    await Promise.all([tx.objectStore('entries').add(entry), tx.objectStore('videos').add({ mp4 }, entry.id), tx.done]);
  } catch (error) {
    try {
      tx.abort(); // when a write failed first, the transaction is already over
    } catch {
      // nothing left to undo
    }
    throw error;
  }
}
