// Runs the shoppers of a rehearsal on a thread of their own. With simulate's own server in this
// process, shoppers and server on one event loop leave the second core idle and the server slowed
// by its own load generator; on two threads each has a core (docs/benchmarks.md, the rehearsal).
// The simulated clock they share lives in shared memory (sim-clock.ts).
import { startTypeScriptWorker } from '../support/typescript-worker.ts';
import { OrderBook } from './order-book.ts';
import {
  type ShopperDayOptions,
  type ShopperDayOutcome,
  type ShopperDayPlan,
  type ShopperProgress,
  SimTargetError,
} from './shopper-day.ts';
import { simLimits } from './sim-limits.ts';

export type ShopperThreadMessage =
  | { type: 'progress'; progress: ShopperProgress }
  | { type: 'played' }
  | { type: 'done'; outcome: ShopperDayOutcome }
  | { type: 'failed'; name: string; message: string; stack?: string };

export function playShopperDayOnThread(
  plan: ShopperDayPlan,
  options: ShopperDayOptions = {},
): Promise<ShopperDayOutcome> {
  const worker = startTypeScriptWorker(new URL('./shopper-worker.ts', import.meta.url), plan, {
    maxYoungGenerationSizeMb: simLimits.shopperYoungGenerationMb,
  });
  const onAbort = () => worker.postMessage('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  return new Promise<ShopperDayOutcome>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: ShopperThreadMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else if (message.type === 'played') options.onPlayed?.();
      else if (message.type === 'done') {
        settled = true;
        // Shoppers the drain limit cut off may still be calling the server: they go now, before
        // the checks read it.
        void worker.terminate();
        resolve({ ...message.outcome, book: OrderBook.revive(message.outcome.book) });
      } else {
        settled = true;
        void worker.terminate();
        const error =
          message.name === 'SimTargetError'
            ? new SimTargetError(message.message)
            : new Error(message.message);
        if (message.stack) error.stack = message.stack;
        reject(error);
      }
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(new Error(`the shoppers' thread stopped (exit code ${code}) before the day was done`));
    });
  }).finally(() => options.signal?.removeEventListener('abort', onAbort));
}
