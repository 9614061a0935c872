// Starts a worker thread whose code is a TypeScript module (the SQLite writer, the shoppers of a
// rehearsal). The module reads its settings from workerData, as given here.
import { type ResourceLimits, Worker } from 'node:worker_threads';

export function startTypeScriptWorker(entry: URL, settings: object, resourceLimits?: ResourceLimits): Worker {
  return new Worker(new URL('./typescript-worker.mjs', import.meta.url), {
    workerData: { ...settings, entry: entry.href },
    ...(resourceLimits && { resourceLimits }),
  });
}
