// The progress bar on stderr while the rehearsal runs: redrawn in place on a terminal, a line
// every few seconds otherwise (CI logs, files).
import { displayWidth } from './summary.ts';

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
  /** Terminal width in columns, when known. */
  columns?: number;
}

export interface ProgressSnapshot {
  phase: string;
  done: number;
  total: number;
  orders: number;
  paid: number;
  paidFen: number;
  errors: number;
  /** The simulated time, e.g. 11.11 20:05:03. */
  clock: string;
}

const TTY_EVERY_MS = 200;
const LINE_EVERY_MS = 5_000;
const BAR_WIDTH = 20;
/** The rate shown is over about this window. */
const RATE_WINDOW_MS = 2_000;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function progressLine(s: ProgressSnapshot, ratePerSecond: number, tty: boolean): string {
  const share = s.total > 0 ? Math.min(1, s.done / s.total) : 0;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = tty ? `▕${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}▏ ` : '';
  return `${s.phase} ${bar}${(share * 100).toFixed(0).padStart(3)}% ${s.clock} | 订单 orders ${fmt(s.orders)} | 已付 paid ${fmt(s.paid)} | GMV ¥${fmt(Math.floor(s.paidFen / 100))} | ${fmt(ratePerSecond)}/s | 错误 errors ${fmt(s.errors)}`;
}

/** The longest prefix that fits in `columns` terminal columns (CJK characters take two). */
export function fitWidth(text: string, columns: number): string {
  let width = 0;
  let out = '';
  for (const ch of text) {
    width += displayWidth(ch);
    if (width > columns) break;
    out += ch;
  }
  return out;
}

export class ProgressBar {
  private timer: NodeJS.Timeout | null = null;
  private readonly samples: { at: number; orders: number }[] = [];
  private lastLength = 0;

  constructor(
    private readonly sink: ProgressSink,
    private readonly snapshot: () => ProgressSnapshot,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.draw(), this.sink.isTTY ? TTY_EVERY_MS : LINE_EVERY_MS);
    this.timer.unref();
  }

  private rate(orders: number): number {
    const now = performance.now();
    this.samples.push({ at: now, orders });
    while (this.samples.length > 2 && now - this.samples[1]!.at > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    return now > first.at ? ((orders - first.orders) * 1000) / (now - first.at) : 0;
  }

  draw(): void {
    const s = this.snapshot();
    const line = progressLine(s, this.rate(s.orders), this.sink.isTTY);
    if (!this.sink.isTTY) {
      this.sink.write(`${line}\n`);
      return;
    }
    const shown = fitWidth(line, (this.sink.columns || 160) - 1); // 0 = unknown (e.g. under script)
    const width = displayWidth(shown);
    this.sink.write(`\r${shown}${' '.repeat(Math.max(0, this.lastLength - width))}`);
    this.lastLength = width;
  }

  /** Draws once more and leaves the line behind. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.draw();
    if (this.sink.isTTY) this.sink.write('\n');
  }
}
