/**
 * Numbers as leadership reads them: amounts short (12.3M), shares as percentages, scores out of 100.
 * Amounts carry no currency symbol: the API does not know the ERP's currency.
 */

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** 13215360.21 → "13.2M"; below ten thousand, whole units: 8421.5 → "8,422". */
export function formatAmount(amount: number): string {
  if (!Number.isFinite(amount)) return "–";
  return Math.abs(amount) < 10_000 ? whole.format(amount) : compact.format(amount);
}

/** 0.347 → "34.7%"; null (no positive revenue) → "–". */
export function formatShare(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return "–";
  return `${oneDecimal.format(share * 100)}%`;
}

/** 74.5 → "74.5", 70 → "70". */
export function formatScore(score: number): string {
  return Number.isFinite(score) ? oneDecimal.format(score) : "–";
}

/** A component's raw value: shares and ratios below 10 with two decimals, others as amounts. */
export function formatComponentValue(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "–";
  return Math.abs(value) < 10 ? value.toFixed(2) : formatAmount(value);
}

/** `2026-11-22T20:37:37.757Z` → "2026-11-22 20:37 UTC". */
export function formatInstant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `payment_terms` → "payment terms"; `priceRealization` → "price realization". */
export function humanName(name: string): string {
  return name
    .replace(/_/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}
