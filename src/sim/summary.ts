// The rehearsal's report for people: what was played, what the server did, the invariants, the
// latency per endpoint. zh-CN first, English second (STYLE.md).
import { fenToYuanGrouped } from '../domain/money.ts';
import type { Endpoint } from './latency.ts';
import type { SimResult } from './run.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

/** Terminal columns taken by a string: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    width +=
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6)
        ? 2
        : 1;
  }
  return width;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

function rows(pairs: [string, string][]): string[] {
  const width = Math.max(...pairs.map(([label]) => displayWidth(label)));
  return pairs.map(([label, value]) => `  ${padEnd(label, width)}  ${value}`);
}

const MARK = { pass: '✓', fail: '✗', skip: '–' } as const;

function latencyLines(result: SimResult): string[] {
  const entries = Object.entries(result.latency) as [Endpoint, NonNullable<SimResult['latency'][Endpoint]>][];
  if (entries.length === 0) return [];
  const head = ['接口 Endpoint', 'count', 'p50', 'p90', 'p99', 'max'];
  const table = entries.map(([, s]) => [
    s.endpoint,
    fmt(s.count),
    ms(s.p50),
    ms(s.p90),
    ms(s.p99),
    ms(s.max),
  ]);
  const widths = head.map((h, c) => Math.max(displayWidth(h), ...table.map((r) => displayWidth(r[c]!))));
  const line = (cells: string[]) =>
    `  ${cells.map((cell, c) => (c === 0 ? padEnd(cell, widths[c]!) : padStart(cell, widths[c]!))).join('  ')}`;
  return ['延迟（毫秒）Latency (ms)', line(head), ...table.map(line)];
}

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

function countsOf(map: Record<string, number>): string {
  const entries = Object.entries(map).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? '—' : entries.map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
}

function verdictOf({ ok, run }: SimResult): string {
  if (!ok) return '✗ 演练失败：不变量被破坏 rehearsal FAILED: an invariant does not hold';
  if (run.stoppedBy === 'done')
    return '✓ 演练通过：无超卖、无漏单 rehearsal passed: nothing oversold, nothing lost';
  const [zh, en] =
    run.stoppedBy === 'time-cap' ? ['到达时间上限', 'stopped at the time cap'] : ['已中止', 'aborted'];
  return `△ 演练未完成：${zh}，只演练到 ${run.day.to} — rehearsal NOT COMPLETED: ${en} at ${run.day.to}; what was played oversold nothing and lost nothing`;
}

export function renderSummary(result: SimResult): string {
  const { run, counts: c, timing: t, throughput: tp } = result;
  const stopped =
    run.stoppedBy === 'done'
      ? ''
      : run.stoppedBy === 'time-cap'
        ? ' — 到达时间上限 stopped at the time cap'
        : ' — 已中止 aborted';
  const out: string[] = [
    `演练结果 Rehearsal — ${run.campaign?.name ?? run.target} (${run.mode === 'in-process' ? `本进程内的服务 server in this process, ${run.target}` : run.target})${stopped}`,
    `  种子 seed ${run.seed} · 加速 speed ×${fmt(run.speed)} · 并发 concurrency ${run.concurrency} · ${run.day.date} ${run.day.from} → ${run.day.to} (${run.day.timezone})`,
    '',
    ...rows([
      [
        '顾客 Shoppers',
        `${fmt(c.sessions)} (只逛不买 browse only ${fmt(c.browseOnly)}, 秒杀 rush ${fmt(c.rush)})`,
      ],
      [
        '浏览/试算 Catalog views / quotes',
        `${fmt(c.catalogViews)} / ${fmt(c.quotes)} (凑单 top-ups ${fmt(c.topUps)}, ${fmt(c.topUpsReached)} reached a threshold)`,
      ],
      [
        '领券 Coupons',
        `${fmt(c.couponsClaimed)} claimed, ${fmt(c.claimsRefused)} refused; ${fmt(c.walletCheckouts)} checkouts with a wallet`,
      ],
      [
        '下单 Checkouts',
        `${fmt(c.checkoutsAttempted)} tried, ${fmt(c.checkoutsAcknowledged)} acknowledged → ${fmt(c.ordersAcknowledged)} store orders`,
      ],
      ['拒绝 Refused', countsOf(result.rejected)],
      ['售罄 Sold out', countsOf(result.soldOut)],
      [
        '支付 Paid',
        `${fmt(c.paid)} orders (晚付 late ${fmt(c.payLate)}), 取消 cancelled ${fmt(c.cancelled)}, 放弃 abandoned ${fmt(c.abandoned)}, 支付失败 failed ${fmt(c.paymentFailures)}`,
      ],
      [
        '预售 Pre-sale',
        `定金 deposits ${fmt(c.depositsPaid)}, 尾款 balances ${fmt(c.balancesPaid)}, 不付尾款 never paid ${fmt(c.balancesSkipped)}${c.balancesCutShort > 0 ? `, 演练停止时尾款未到期 still due when the run stopped ${fmt(c.balancesCutShort)}` : ''}`,
      ],
      ['成交额 GMV', `¥${fenToYuanGrouped(result.gmv.fen)}`],
      ['幂等重试 Retried keys', fmt(c.retriedKeys)],
      ['错误 Errors', c.errors === 0 ? '0' : countsOf(result.errors)],
      [
        '吞吐 Throughput',
        `${fmt(tp.checkoutsPerSecond)} checkouts/s, ${fmt(tp.ordersPerSecond)} orders/s, ${fmt(tp.paidPerSecond)} paid/s, ${fmt(tp.requestsPerSecond)} requests/s`,
      ],
      [
        '用时 Time',
        `${t.driveSeconds}s driving + ${t.settleSeconds}s waiting for deadlines + ${t.verifySeconds}s checking = ${t.totalSeconds}s (最大落后 max lag ${t.lagSecondsMax}s)`,
      ],
      ...(t.serverLoop
        ? [
            [
              '服务端 Server loop',
              `${t.serverLoop.cpuSeconds}s CPU while the shoppers played = ${fmt(t.serverLoop.microsPerRequest)} µs a request; busy ${t.serverLoop.busyPercent}% of that time${t.serverLoop.waitingPercent === null ? '' : `, waiting for a core ${t.serverLoop.waitingPercent}%`} (one thread: near 100% busy it bounds the rate)`,
            ] as [string, string],
          ]
        : []),
    ]),
    '',
    '不变量 Invariants',
  ];
  for (const inv of result.invariants) {
    out.push(`  ${MARK[inv.status]} ${inv.zh} ${inv.en}: ${fmt(inv.value)} — ${inv.detail}`);
    for (const example of inv.status === 'fail' ? inv.examples.slice(0, 5) : [])
      out.push(`      · ${example}`);
  }
  out.push('', ...latencyLines(result));
  for (const example of result.errorExamples.slice(0, 5)) out.push(`  ! ${example}`);
  out.push('', verdictOf(result));
  return out.join('\n');
}
