// The SQLite writer thread: its own connection to the database file, the group commit's prepared
// statements, and one transaction per batch it is sent. It answers each batch once the transaction
// has committed (and, with synchronous=FULL, reached the disk), in the order the batches came.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { TradeBatch } from '../ports.ts';
import { commitBatch, configureConnection, prepareBatchStatements } from './sqlite-batch-write.ts';
import type { WriterReply, WriterSettings } from './sqlite-writer-thread.ts';

const settings = workerData as WriterSettings;
const port = parentPort!;
const reply = (message: WriterReply) => port.postMessage(message);

try {
  const db = new Database(settings.file);
  configureConnection(db, settings.synchronous);
  const statements = prepareBatchStatements(db);
  port.on('message', (message: { seq: number; batch: TradeBatch } | 'close') => {
    if (message === 'close') {
      db.close();
      port.close();
      return;
    }
    try {
      commitBatch(db, statements, message.batch);
      reply({ seq: message.seq, ok: true });
    } catch (error) {
      reply({ seq: message.seq, ok: false, message: (error as Error).message });
    }
  });
  reply({ seq: 0, ok: true });
} catch (error) {
  reply({ seq: 0, ok: false, message: (error as Error).message });
}
