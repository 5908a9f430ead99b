import { costPools } from "#domain/cost-pools.ts";
import type { Cube } from "#domain/cube.ts";
import { type Reason, type Recommendation, recommend } from "#domain/decisions.ts";
import { type Differentiator, schemeDifferentiators } from "#domain/differentiators.ts";
import { forceExposure } from "#domain/force-exposure.ts";
import type { ForceOfChange } from "#domain/forces.ts";
import { holtDampedFit } from "#domain/forecast.ts";
import { latestMonthOf, type SegmentMetrics, schemeMetrics } from "#domain/metrics.ts";
import { monthLabel } from "#domain/month.ts";
import type { Policy } from "#domain/policy.ts";
import { landscapeBasis, median, type ProfitClass, profitClass } from "#domain/profit-landscape.ts";
import {
  type ForceProjection,
  type ProjectionSettings,
  projectUnderForce,
  type SegmentHistory,
} from "#domain/projection.ts";
import { CUSTOMER_DIMENSION } from "#domain/scheme.ts";
import type { SchemeAggregate } from "#domain/scheme-aggregate.ts";
import type { SchemeForecastAccuracy } from "#domain/scheme-backtest.ts";
import { forecastScheme } from "#domain/scheme-forecast.ts";
import { type SegmentScores, scoreSegments } from "#domain/scores.ts";
import type { BaseProjection } from "#domain/segment-projection.ts";
import { type WhaleCurve, whaleCurve } from "#domain/whale-curve.ts";

/** How many differentiators each segment keeps. */
export const DIFFERENTIATORS_KEPT = 5;

export interface ScoredSegment {
  readonly id: string;
  readonly values: Readonly<Record<string, string>>;
  readonly metrics: SegmentMetricsView;
  readonly profitClass: ProfitClass;
  readonly scores: Omit<SegmentScores, "components">;
  readonly scoreComponents: SegmentScores["components"];
  readonly decision: Recommendation["decision"];
  readonly reasons: readonly Reason[];
  readonly guidance: string;
  readonly confidence: Recommendation["confidence"];
  /** The base case (years and NPV at P50, with P10 and P90 and the model behind them) and each force. */
  readonly projection: BaseProjection & { readonly forces: readonly ForceProjection[] };
  /** What sets the segment's customers apart: the dimension values they buy most above the average. */
  readonly differentiators: readonly Differentiator[];
  /** Monthly revenue and profit from the segment's first month to the latest month of the data. */
  readonly history: {
    readonly firstMonth: string;
    readonly revenue: readonly number[];
    readonly profit: readonly number[];
  };
}

/** A segment's metrics as reported: the sums and ratios, without the monthly series. */
export type SegmentMetricsView = Omit<
  SegmentMetrics,
  "index" | "id" | "values" | "monthly" | "firstMonth" | "lastMonth"
> & {
  readonly firstMonth: string;
  readonly lastMonth: string;
  readonly costToServeIntensity: number | null;
  readonly opportunity: number;
};

export interface ScoredScheme {
  readonly id: string;
  readonly dimensions: readonly string[];
  readonly totals: {
    readonly revenue: number;
    readonly profit: number;
    readonly margin: number;
    readonly costToServe: number;
  };
  readonly medianRevenue: number;
  readonly whaleCurve: WhaleCurve;
  readonly costPools: {
    readonly components: ReadonlyArray<{ component: string; cost: number; shareOfRevenue: number }>;
    readonly medianIntensity: number;
  };
  /** How well the projection forecast the last held-out years; null when the data is too short to tell. */
  readonly forecastAccuracy: SchemeForecastAccuracy | null;
  readonly segments: readonly ScoredSegment[];
}

export interface ScoringResult {
  /** The latest month of the data: the end of the trailing twelve months. */
  readonly latestMonth: string;
  readonly policyVersion: number;
  readonly forces: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly schemes: readonly ScoredScheme[];
}

/**
 * Scores every segment of every scheme of the cube: metrics, profit class, the three scores and
 * focus, the projection under the base case and each active force of change, and the recommended
 * decision with its reasons. Pure: the same cube, policy and forces give the same result.
 */
export function scoreCube(cube: Cube, policy: Policy, forces: readonly ForceOfChange[] = []): ScoringResult {
  const latestMonth = latestMonthOf(cube);
  const active = forces.filter((force) => force.active);
  return {
    latestMonth: latestMonth < 0 ? "" : monthLabel(latestMonth),
    policyVersion: policy.version,
    forces: active.map(({ id, name }) => ({ id, name })),
    schemes: cube.schemes.map((scheme) => scoreScheme(cube, scheme, latestMonth, policy, active)),
  };
}

function scoreScheme(
  cube: Cube,
  scheme: SchemeAggregate,
  latestMonth: number,
  policy: Policy,
  forces: readonly ForceOfChange[],
): ScoredScheme {
  const { segments: metrics } = schemeMetrics(cube, scheme, latestMonth);
  const settings: ProjectionSettings = policy.projection;
  const basis = landscapeBasis(metrics);
  const histories: SegmentHistory[] = metrics.map((m) => ({
    monthlyRevenue: m.monthly.revenue,
    monthlyProfit: m.monthly.profit,
    costToServeIntensity: m.ttmRevenue > 0 ? m.ttmCostToServe / m.ttmRevenue : 0,
  }));
  const { accuracy, projections: bases } = forecastScheme(
    metrics.map((m) => m.monthly),
    settings,
    (k) => monthLabel(latestMonth - k),
  );
  const exposures = forces.map((force) => forceExposure(cube, scheme, force));
  const underForces = metrics.map((_, i) =>
    forces.map((force, f) =>
      projectUnderForce(
        histories[i] as SegmentHistory,
        bases[i] as BaseProjection,
        force,
        (exposures[f] as Float64Array)[i] as number,
        settings,
        policy.thresholds.forceImpact,
      ),
    ),
  );
  const scores = scoreSegments(
    {
      metrics,
      profitTrend: metrics.map((m) => profitTrend(m, policy)),
      forceResilience: underForces.map((projections) =>
        projections.length === 0
          ? Number.NaN
          : Math.min(1, Math.max(0, 1 + Math.min(0, ...projections.map((p) => p.npvChange)))),
      ),
    },
    policy,
  );
  const pools = costPools(metrics);
  const differentiatorsOf = schemeDifferentiators(cube, scheme.id, { top: DIFFERENTIATORS_KEPT });
  const perCustomer = scheme.dimensions.includes(CUSTOMER_DIMENSION);
  const realizations = metrics.flatMap((m) => (m.priceRealization === null ? [] : [m.priceRealization]));
  const medianPriceRealization = realizations.length > 0 ? median(realizations) : null;
  const segments = metrics.map((m, i): ScoredSegment => {
    const segmentScores = scores[i] as SegmentScores;
    const base = bases[i] as BaseProjection;
    const projections = underForces[i] as ForceProjection[];
    const landscape = profitClass(m.revenue, m.profit, basis);
    const recommendation = recommend(
      {
        metrics: m,
        profitClass: landscape,
        scores: segmentScores,
        companyMargin: basis.companyMargin,
        medianRevenue: basis.medianRevenue,
        baseNpv: base.npv,
        forces: projections,
        perCustomer,
        medianPriceRealization,
        medianCostToServeIntensity: pools.medianIntensity,
        projectedYears: base.years,
        npvP10: base.npvP10,
        npvP90: base.npvP90,
      },
      policy,
    );
    const { components, ...headline } = segmentScores;
    const { index: _index, id, values, monthly, firstMonth, lastMonth, ...sums } = m;
    return {
      id,
      values,
      metrics: {
        ...sums,
        firstMonth: monthLabel(firstMonth),
        lastMonth: monthLabel(lastMonth),
        costToServeIntensity: pools.intensity[i] ?? null,
        opportunity: pools.opportunity[i] as number,
      },
      profitClass: landscape,
      scores: headline,
      scoreComponents: components,
      decision: recommendation.decision,
      reasons: recommendation.reasons,
      guidance: recommendation.guidance,
      confidence: recommendation.confidence,
      projection: { ...base, forces: projections },
      differentiators: differentiatorsOf.get(id) ?? [],
      history: {
        firstMonth: monthLabel(monthly.firstMonth),
        revenue: monthly.revenue,
        profit: monthly.profit,
      },
    };
  });

  let revenue = 0;
  let profit = 0;
  let costToServe = 0;
  for (const m of metrics) {
    revenue += m.revenue;
    profit += m.profit;
    costToServe += m.costToServe;
  }
  return {
    id: scheme.id,
    dimensions: scheme.dimensions,
    totals: { revenue, profit, margin: basis.companyMargin, costToServe },
    medianRevenue: basis.medianRevenue,
    whaleCurve: whaleCurve(metrics.map((m) => m.profit)),
    costPools: { components: pools.components, medianIntensity: pools.medianIntensity },
    forecastAccuracy: accuracy ?? null,
    segments,
  };
}

/**
 * The damped trend of monthly profit, per month, as a share of the segment's mean monthly revenue:
 * a slope in money would rank the largest segments first whatever their direction.
 */
function profitTrend(metrics: SegmentMetrics, policy: Policy): number {
  const revenue = metrics.monthly.revenue;
  const meanRevenue = revenue.reduce((sum, r) => sum + r, 0) / Math.max(1, revenue.length);
  if (!(meanRevenue > 0)) return Number.NaN;
  return holtDampedFit(metrics.monthly.profit, policy.projection).trend / meanRevenue;
}
