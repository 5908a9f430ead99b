import type { SegmentMetrics } from "#domain/metrics.ts";
import { percentileRanks } from "#domain/percentile.ts";
import type { Policy } from "#domain/policy.ts";

/**
 * One input to a score: its raw value, its percentile in the scheme, its effective weight. The value
 * is null without evidence, or when it is unbounded — revenue now and none a year before grows
 * without bound — and then `extreme` says which way.
 */
export interface ScoreComponent {
  readonly value: number | null;
  readonly extreme?: "highest" | "lowest";
  readonly percentile: number;
  readonly weight: number;
}

export interface SegmentScores {
  readonly profitability: number;
  readonly growth: number;
  readonly defensibility: number;
  readonly focus: number;
  readonly components: {
    readonly profitability: Readonly<Record<string, ScoreComponent>>;
    readonly growth: Readonly<Record<string, ScoreComponent>>;
    readonly defensibility: Readonly<Record<string, ScoreComponent>>;
  };
}

export interface ScoreInputs {
  readonly metrics: readonly SegmentMetrics[];
  /** Holt trend of monthly profit ÷ mean monthly revenue, per segment; NaN without revenue. */
  readonly profitTrend: readonly number[];
  /** 1 − the worst relative NPV loss under any active force, per segment; NaN without forces. */
  readonly forceResilience: readonly number[];
}

/**
 * The three scores, 0–100, of every segment of a scheme, and focus. Each score is a weighted mean of
 * percentile ranks within the scheme, so it says "better than x% of the segments" and does not change
 * when every amount is scaled. A component without evidence for a segment ranks 50 (neutral); a
 * component without evidence for any segment is left out and the other weights share its weight.
 */
export function scoreSegments(inputs: ScoreInputs, policy: Policy): SegmentScores[] {
  const { metrics } = inputs;
  const profitability = componentsOf(
    {
      margin: metrics.map((m) => (m.revenue > 0 ? m.margin : m.profit >= 0 ? 0 : Number.NEGATIVE_INFINITY)),
      profit: metrics.map((m) => m.profit),
    },
    policy.profitability,
  );
  const growth = componentsOf(
    {
      revenueGrowth: metrics.map((m) => logGrowth(m.ttmRevenue, m.priorTtmRevenue)),
      profitTrend: inputs.profitTrend,
      customerGrowth: metrics.map((m) =>
        Math.log((m.activeCustomersTtm + 1) / (m.activeCustomersPriorTtm + 1)),
      ),
    },
    policy.growth,
  );
  const defensibility = componentsOf(
    {
      retention: metrics.map((m) => m.retention ?? Number.NaN),
      repeatRate: metrics.map((m) => m.repeatRate),
      priceRealization: metrics.map((m) => m.priceRealization ?? Number.NaN),
      breadth: metrics.map((m) => m.breadth ?? Number.NaN),
      lowConcentration: metrics.map((m) => (m.concentration === null ? Number.NaN : 1 - m.concentration)),
      forceResilience: inputs.forceResilience,
    },
    policy.defensibility,
  );
  return metrics.map((_, i) => {
    const p = profitability.score(i);
    const g = growth.score(i);
    const d = defensibility.score(i);
    const weights = policy.focus;
    return {
      profitability: p,
      growth: g,
      defensibility: d,
      focus: weights.profitability * p + weights.growth * g + weights.defensibility * d,
      components: {
        profitability: profitability.at(i),
        growth: growth.at(i),
        defensibility: defensibility.at(i),
      },
    };
  });
}

/**
 * Annual log growth ln(R_ttm / R_prior). A segment that had no revenue before and has some now grows
 * "infinitely" (ranks first); one that had some and has none now ranks last.
 */
export function logGrowth(current: number, prior: number): number {
  if (current > 0 && prior > 0) return Math.log(current / prior);
  if (current > 0) return Number.POSITIVE_INFINITY;
  if (prior > 0) return Number.NEGATIVE_INFINITY;
  return 0;
}

function componentsOf(values: Record<string, readonly number[]>, weights: Record<string, number>) {
  const names = Object.keys(values);
  const ranks = Object.fromEntries(names.map((name) => [name, percentileRanks(values[name] as number[])]));
  const available = names.filter((name) => (values[name] as number[]).some((v) => !Number.isNaN(v)));
  const weightSum = available.reduce((sum, name) => sum + (weights[name] ?? 0), 0);
  const effectiveWeight = (name: string) =>
    available.includes(name) && weightSum > 0 ? (weights[name] ?? 0) / weightSum : 0;
  return {
    score(i: number): number {
      let total = 0;
      for (const name of available)
        total += effectiveWeight(name) * ((ranks[name] as Float64Array)[i] as number);
      return weightSum > 0 ? total : 50;
    },
    at(i: number): Record<string, ScoreComponent> {
      return Object.fromEntries(
        names.map((name) => {
          const value = (values[name] as number[])[i] as number;
          return [
            name,
            {
              value: Number.isFinite(value) ? value : null,
              ...(Number.isNaN(value) || Number.isFinite(value)
                ? {}
                : { extreme: value > 0 ? "highest" : "lowest" }),
              percentile: (ranks[name] as Float64Array)[i] as number,
              weight: effectiveWeight(name),
            },
          ];
        }),
      );
    },
  };
}
