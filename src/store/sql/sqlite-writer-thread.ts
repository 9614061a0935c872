// The group commit's writes on a thread of their own (STYLE.md, TigerBeetle: keep the hot loop
// free). better-sqlite3 is synchronous: written on the main thread, every batch's transaction and
// fsync stops the event loop, so no request is parsed or priced while the disk works. Here the main
// thread hands the batch over and goes on; the writer answers when the batch has committed, and
// only then are its waiters acknowledged. Reads stay on the main thread's connection (WAL lets them
// run beside the writer, and they see every batch that has been acknowledged).
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../../support/typescript-worker.ts';
import { type TradeBatch, WriteRefused } from '../ports.ts';

export interface WriterSettings {
  file: string;
  synchronous: 'full' | 'normal';
}

export type WriterReply = { seq: number; ok: true } | { seq: number; ok: false; message: string };

interface InFlight {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class SqliteWriterThread {
  private readonly inFlight = new Map<number, InFlight>();
  private seq = 0;
  private failure: Error | null = null;
  private closing = false;

  private constructor(
    private readonly worker: Worker,
    private readonly onFailure: (error: Error) => void,
  ) {
    worker.on('message', (reply: WriterReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`the SQLite writer thread stopped (exit code ${code})`));
    });
  }

  /**
   * Starts the writer on a database whose schema is already migrated; resolves once it is ready.
   * `onFailure` hears once if the thread dies: every batch in flight and every later one is refused
   * (none acknowledged), so the server should stop and be restarted (`dacu serve` exits).
   */
  static start(
    file: string,
    synchronous: 'full' | 'normal',
    onFailure: (error: Error) => void = () => {},
  ): Promise<SqliteWriterThread> {
    const settings: WriterSettings = { file, synchronous };
    const worker = startTypeScriptWorker(new URL('./sqlite-writer-worker.ts', import.meta.url), settings);
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      worker.once('error', onError);
      worker.once('message', (reply: WriterReply) => {
        worker.off('error', onError);
        if (reply.ok) resolve(new SqliteWriterThread(worker, onFailure));
        else {
          void worker.terminate();
          reject(new Error(`the SQLite writer thread cannot open ${file}: ${reply.message}`));
        }
      });
    });
  }

  /** Resolves once the batch is committed; rejects (nothing of it written) if it is not. */
  commit(batch: TradeBatch): Promise<void> {
    if (this.failure) return Promise.reject(new WriteRefused(this.failure, 'the SQLite writer has stopped'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.inFlight.set(seq, { resolve, reject });
      this.worker.postMessage({ seq, batch });
    });
  }

  /** Closes the writer's connection after every batch sent so far. */
  async close(): Promise<void> {
    if (this.failure || this.closing) return;
    this.closing = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('close');
    await exited;
  }

  private settle(reply: WriterReply): void {
    const waiting = this.inFlight.get(reply.seq);
    if (!waiting) return;
    this.inFlight.delete(reply.seq);
    if (reply.ok) waiting.resolve();
    // The writer's transaction threw, so it rolled back: nothing of the batch is on disk.
    else waiting.reject(new WriteRefused(new Error(reply.message)));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiting of this.inFlight.values()) waiting.reject(error);
    this.inFlight.clear();
    this.onFailure(error);
  }
}
