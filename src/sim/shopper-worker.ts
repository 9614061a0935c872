// The shoppers' thread: plays the day it is given (shopper-day.ts) and reports to the thread that
// started it (shopper-thread.ts): progress while it plays, then the outcome or the failure.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { playShopperDay, type ShopperDayPlan } from './shopper-day.ts';
import type { ShopperThreadMessage } from './shopper-thread.ts';
import { simLimits } from './sim-limits.ts';

const NICE_MAX = 19;

/** Lowers this thread's priority (Linux: a thread is a task with a nice value of its own). */
function yieldToServer(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, Math.min(NICE_MAX, getPriority(tid) + simLimits.shopperThreadNiceStep));
  } catch {
    // Not Linux (no /proc/thread-self), or not allowed: the thread keeps its priority.
  }
}

const port = parentPort!;
const send = (message: ShopperThreadMessage) => port.postMessage(message);
const abort = new AbortController();
port.on('message', (message: 'abort') => {
  if (message === 'abort') abort.abort();
});

yieldToServer();
try {
  const outcome = await playShopperDay(workerData as ShopperDayPlan, {
    signal: abort.signal,
    onProgress: (progress) => send({ type: 'progress', progress }),
    onPlayed: () => send({ type: 'played' }),
  });
  send({ type: 'done', outcome });
} catch (error) {
  const { name, message, stack } = error as Error;
  send({ type: 'failed', name, message, stack });
} finally {
  port.close();
}
