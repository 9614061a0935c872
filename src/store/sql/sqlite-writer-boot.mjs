// Entry of the SQLite writer thread. A worker thread does not inherit the TypeScript loader that
// its parent registered, so it registers tsx itself before loading the writer (sqlite-writer-worker.ts).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
