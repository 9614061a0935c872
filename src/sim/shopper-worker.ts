// The shoppers' thread: plays the day it is given (shopper-day.ts) and reports to the thread that
// started it (shopper-thread.ts): progress while it plays, then the outcome or the failure.
import { parentPort, workerData } from 'node:worker_threads';
import { playShopperDay, type ShopperDayPlan } from './shopper-day.ts';
import type { ShopperThreadMessage } from './shopper-thread.ts';

const port = parentPort!;
const send = (message: ShopperThreadMessage) => port.postMessage(message);
const abort = new AbortController();
port.on('message', (message: 'abort') => {
  if (message === 'abort') abort.abort();
});

try {
  const outcome = await playShopperDay(workerData as ShopperDayPlan, {
    signal: abort.signal,
    onProgress: (progress) => send({ type: 'progress', progress }),
  });
  send({ type: 'done', outcome });
} catch (error) {
  const { name, message, stack } = error as Error;
  send({ type: 'failed', name, message, stack });
} finally {
  port.close();
}
