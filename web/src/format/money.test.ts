import { describe, expect, it } from 'vitest';
import { formatPercent, formatRatio, formatYuan, formatYuanCompact } from './money.ts';

describe('formatYuan: fen on screen', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [100, '¥1.00'],
    [123_456, '¥1,234.56'],
    [319_920, '¥3,199.20'],
    [10_000_000_000, '¥100,000,000.00'],
    [-50, '-¥0.50'],
  ])('%d fen → %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it('shows a dash for what is not a number', () => {
    expect(formatYuan(null)).toBe('—');
    expect(formatYuan(Number.NaN)).toBe('—');
  });
});

describe('formatYuanCompact', () => {
  it.each([
    [999_00, 'zh-CN', '¥999'],
    [1_234_500, 'zh-CN', '¥1.23万'],
    [5_000_000_000, 'zh-CN', '¥5000万'],
    [12_300_000_000, 'zh-CN', '¥1.23亿'],
    [1_234_500, 'en', '¥12.3K'],
    [5_000_000_000, 'en', '¥50M'],
  ] as const)('%d fen in %s → %s', (fen, lang, text) => {
    expect(formatYuanCompact(fen, lang)).toBe(text);
  });
});

describe('ratios and percents', () => {
  it('formats a fraction and a percent', () => {
    expect(formatRatio(0.8734)).toBe('87.3%');
    expect(formatRatio(null)).toBe('—');
    expect(formatPercent(12.5, 0)).toBe('13%');
  });
});
