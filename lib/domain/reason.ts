/** One number behind a decision, with the threshold it was held against and a plain sentence. */
export interface Reason {
  readonly code: string;
  readonly metric: string;
  readonly value: number | string | null;
  readonly threshold: number | string | null;
  readonly message: string;
}

export function reason(
  code: string,
  metric: string,
  value: number | string | null,
  threshold: number | string | null,
  message: string,
): Reason {
  return { code, metric, value, threshold, message };
}

/** A share as a sentence shows it: 0.125 → "12.5%". */
export const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/** An amount as a sentence shows it: whole units, grouped, 18400.4 → "18,400". */
export const amount = (n: number) => Math.round(n).toLocaleString("en-US");
