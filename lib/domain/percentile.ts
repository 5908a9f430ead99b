/**
 * Percentile rank, 0–100, of each value among the values that are numbers: the lowest ranks 0, the
 * highest 100, equal values share the average of their ranks, and a lone value ranks 50. A NaN (no
 * evidence) ranks 50, neutral, and does not move the others. ±Infinity rank as extremes.
 */
export function percentileRanks(values: ArrayLike<number>): Float64Array {
  const ranks = new Float64Array(values.length).fill(50);
  const order: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) order.push(i);
  const n = order.length;
  if (n < 2) return ranks;
  order.sort((a, b) => (values[a] as number) - (values[b] as number) || 0);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end] as number] === values[order[start] as number]) end++;
    const rank = (100 * ((start + end - 1) / 2)) / (n - 1);
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    start = end;
  }
  return ranks;
}
