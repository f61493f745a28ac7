// The S3 BlobStore: the content-addressed layer over an S3BlobDriver, and the sweep that gives back
// multipart uploads nothing holds any more.
import { ContentAddressedBlobStore } from '../content-addressed-blob-store.ts';
import { S3BlobDriver, type S3DriverOptions } from './s3-blob-driver.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';

export class S3BlobStore extends ContentAddressedBlobStore {
  private readonly s3Driver: S3BlobDriver;

  constructor(options: S3DriverOptions, deps: { clock?: Clock; redirectTtlSeconds?: number } = {}) {
    const driver = new S3BlobDriver(options);
    super(driver, deps);
    this.s3Driver = driver;
  }

  /** Checks that the bucket is there and answers to these credentials. */
  async init(): Promise<this> {
    await this.s3Driver.check();
    return this;
  }

  close(): void {
    this.s3Driver.close();
  }
}

/** Runs `abortAbandonedAppends` now and then often enough that none outlives `olderThanMs` by much; every replica may run it. */
export function abortAbandonedUploadsPeriodically(store: ContentAddressedBlobStore, olderThanMs: number, logger: Logger): () => void {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const aborted = await store.abortAbandonedAppends(olderThanMs);
      if (aborted > 0) logger.info('aborted abandoned multipart uploads', { aborted, olderThanMs });
    } catch (error) {
      logger.warn('the sweep of abandoned multipart uploads failed', { error });
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(() => void pass(), Math.min(3_600_000, Math.max(1000, Math.floor(olderThanMs / 4))));
  timer.unref();
  return () => clearInterval(timer);
}
