/** A bar filled to value/max (clamped), with its label inside the track. */
export function ProgressBar({
  value,
  max,
  label,
  tone = 'red',
  testId,
}: {
  value: number;
  max: number;
  label?: string;
  tone?: 'red' | 'gold' | 'green' | 'cyan';
  testId?: string;
}) {
  const ratio = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  return (
    <div
      className={`progress progress-${tone}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      data-testid={testId}
    >
      <div className="progress-fill" style={{ width: `${(ratio * 100).toFixed(2)}%` }} />
      {label !== undefined && <span className="progress-label">{label}</span>}
    </div>
  );
}
