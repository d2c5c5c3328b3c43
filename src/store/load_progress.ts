// Progress reports of a model load (ModelStore.load and loadBlobs alike): bytes of the whole model
// in hand, and the pace of this load, for the page's progress bar and its time left.
import type { ModelFile, ModelInfo } from './manifest.ts';

export interface LoadProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  loadedBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
  /** Why the load started over, when it did (the site's stored data was cleared under it); for the page to show. */
  notice?: string;
}

/** Progress reports for one load: bytes of the whole model in hand, and the pace of this load. */
export class Progress {
  private readonly started = performance.now();
  private doneBefore = 0;

  constructor(
    private readonly info: ModelInfo,
    private readonly notice: string | undefined,
    private readonly onProgress: ((progress: LoadProgress) => void | Promise<void>) | undefined,
  ) {}

  /** Reports for the file at `fileIndex`, given the bytes of it in hand. */
  reporter(fileIndex: number): (loaded: number) => Promise<void> {
    const { info, notice } = this;
    const file = info.files[fileIndex]!;
    return async (loaded) => {
      // Speed is the pace of this load (cache reads and downloads alike), which is what an ETA needs.
      const seconds = Math.max(1e-3, (performance.now() - this.started) / 1000);
      const loadedBytes = this.doneBefore + loaded;
      await this.onProgress?.({
        file: file.path,
        fileIndex,
        fileCount: info.files.length,
        loadedBytes,
        totalBytes: info.totalBytes,
        bytesPerSecond: Math.max(1, loadedBytes) / seconds,
        ...(notice ? { notice } : {}),
      });
    };
  }

  /** The file is in hand: later reports count it whole. */
  done(file: ModelFile): void {
    this.doneBefore += file.bytes;
  }
}
