// One call to a payment channel, abandoned after a timeout. On timeout the channel's signal is
// aborted so it can stop, but the answer does not wait for it to settle: a channel that ignores the
// signal cannot hold the caller. A channel that throws (network, bug, its own abort) answers 'error'.

export type ChannelCallAnswer<T> = { outcome: 'answered'; value: T } | { outcome: 'timeout' | 'error' };

export async function callChannel<T>(
  channelName: string,
  call: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
): Promise<ChannelCallAnswer<T>> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<ChannelCallAnswer<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(
        new DOMException(`${channelName} did not answer within ${timeoutMs} ms`, 'TimeoutError'),
      );
      resolve({ outcome: 'timeout' });
    }, timeoutMs);
  });
  try {
    return await Promise.race([answerOf(call, controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

// Never rejects: a rejection after the race is decided would otherwise go unhandled.
async function answerOf<T>(
  call: (signal: AbortSignal) => Promise<T>,
  signal: AbortSignal,
): Promise<ChannelCallAnswer<T>> {
  try {
    return { outcome: 'answered', value: await call(signal) };
  } catch {
    return { outcome: 'error' };
  }
}
