/**
 * The whale curve: segments sorted by profit, most profitable first, and the cumulative profit as a
 * share of total profit. It rises above 100% while profitable segments accumulate and falls back to
 * 100% as the loss makers are added; its peak (often 140–180%) and the share of segments that destroy
 * profit are the headline numbers.
 */
export interface WhaleCurve {
  /** Highest cumulative profit ÷ total profit; null when total profit is not positive. */
  readonly peakShare: number | null;
  /** Share of segments (most profitable first) at which the curve peaks. */
  readonly peakAt: number;
  /** Share of segments with negative profit. */
  readonly lossSegmentShare: number;
  readonly totalProfit: number;
  /** Up to `points` samples of (share of segments, cumulative profit ÷ total), for charts. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export function whaleCurve(profits: readonly number[], points = 100): WhaleCurve {
  const sorted = [...profits].sort((a, b) => b - a);
  const n = sorted.length;
  const total = sorted.reduce((sum, p) => sum + p, 0);
  let cumulative = 0;
  let peak = 0;
  let peakIndex = 0;
  const cumulativeAt: number[] = [];
  sorted.forEach((profit, i) => {
    cumulative += profit;
    cumulativeAt.push(cumulative);
    if (cumulative > peak) {
      peak = cumulative;
      peakIndex = i + 1;
    }
  });
  const samples: Array<readonly [number, number]> = [];
  if (n > 0 && total > 0) {
    const step = Math.max(1, Math.ceil(n / points));
    for (let k = step; k < n; k += step) samples.push([k / n, (cumulativeAt[k - 1] as number) / total]);
    samples.push([1, 1]);
  }
  return {
    peakShare: total > 0 ? peak / total : null,
    peakAt: n > 0 ? peakIndex / n : 0,
    lossSegmentShare: n > 0 ? sorted.filter((p) => p < 0).length / n : 0,
    totalProfit: total,
    points: samples,
  };
}
