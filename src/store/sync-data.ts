import { fdatasync } from 'node:fs';

/** `fdatasync` on the thread pool (what SQLite itself calls for a WAL on Linux). */
export function syncData(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}
