// A second thread on the rehearsal's clock (sim-clock.test): it moves the hold forward step by
// step, reading the clock between steps, and reports whether every reading it made was monotonic.
import { parentPort, workerData } from 'node:worker_threads';
import { SimClock, type SimClockHandle } from '../../../src/sim/sim-clock.ts';

const { handle, steps } = workerData as { handle: SimClockHandle; steps: number };
const clock = SimClock.attach(handle);
let last = Number.NEGATIVE_INFINITY;
let backwards = 0;
for (let i = 1; i <= steps; i++) {
  clock.holdAt(i);
  const offset = clock.exactOffsetMs();
  if (offset < last) backwards += 1;
  last = offset;
}
parentPort!.postMessage({ backwards, last });
