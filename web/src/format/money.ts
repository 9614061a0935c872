// Money on screen. Every amount arrives as integer fen; this is the one place it becomes yuan.
import type { Lang } from '../i18n/dict.ts';

const FEN_PER_YUAN = 100;

function groupThousands(whole: number): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 123456 → "¥1,234.56"; negative amounts keep their sign in front ("-¥0.50"). */
export function formatYuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const yuan = Math.floor(abs / FEN_PER_YUAN);
  const cents = abs % FEN_PER_YUAN;
  return `${sign}¥${groupThousands(yuan)}.${String(cents).padStart(2, '0')}`;
}

/** Short form for axes and tight spots: ¥1.23亿 / ¥45.6万 in Chinese, ¥1.23B / ¥45.6K in English. */
export function formatYuanCompact(fen: number | null | undefined, lang: Lang): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  const yuan = fen / FEN_PER_YUAN;
  const abs = Math.abs(yuan);
  const trim = (n: number) => String(Number(n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : 2)));
  const sign = yuan < 0 ? '-' : '';
  const units: [number, string][] =
    lang === 'zh-CN'
      ? [
          [1e8, '亿'],
          [1e4, '万'],
        ]
      : [
          [1e9, 'B'],
          [1e6, 'M'],
          [1e3, 'K'],
        ];
  for (const [size, suffix] of units) {
    if (abs >= size) return `${sign}¥${trim(abs / size)}${suffix}`;
  }
  return `${sign}¥${trim(abs)}`;
}

/** 0.8734 → "87.3%". */
export function formatRatio(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** 12.5 (already a percent) → "12.5%". */
export function formatPercent(percent: number | null | undefined, digits = 1): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return '—';
  return `${percent.toFixed(digits)}%`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return groupThousands(Math.round(n));
}
