// Entry of a worker thread written in TypeScript. A worker does not inherit the TypeScript loader
// its parent registered, so it registers tsx itself, then loads the module named in workerData
// (see typescript-worker.ts).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
