import { median } from "#domain/profit-landscape.ts";

/**
 * Cost-to-serve pools (the channel map): where the cost of serving sits, by component, and which
 * segments spend more of their revenue on being served than the scheme's typical segment. A segment's
 * opportunity is (its intensity − the median intensity) × its revenue, where positive: what it would
 * save at typical intensity. The largest pools are candidates for a joint improvement project.
 */
export interface CostPoolSegment {
  readonly revenue: number;
  readonly costToServe: number;
  readonly costs: Readonly<Record<string, number>>;
}

export interface CostPools {
  /** Cost-to-serve by component over the whole scheme, largest first. */
  readonly components: ReadonlyArray<{
    readonly component: string;
    readonly cost: number;
    readonly shareOfRevenue: number;
  }>;
  readonly medianIntensity: number;
  /** Per segment, in input order: cost-to-serve ÷ revenue (null without positive revenue) and opportunity. */
  readonly intensity: ReadonlyArray<number | null>;
  readonly opportunity: readonly number[];
}

export function costPools(segments: readonly CostPoolSegment[]): CostPools {
  const intensity = segments.map((s) => (s.revenue > 0 ? s.costToServe / s.revenue : null));
  const medianIntensity = median(intensity.filter((value): value is number => value !== null));
  const opportunity = segments.map((s, i) => {
    const own = intensity[i];
    return own === null || own === undefined ? 0 : Math.max(0, (own - medianIntensity) * s.revenue);
  });
  const byComponent = new Map<string, number>();
  let revenue = 0;
  for (const segment of segments) {
    revenue += segment.revenue;
    for (const [component, cost] of Object.entries(segment.costs))
      byComponent.set(component, (byComponent.get(component) ?? 0) + cost);
  }
  const components = [...byComponent]
    .map(([component, cost]) => ({ component, cost, shareOfRevenue: revenue > 0 ? cost / revenue : 0 }))
    .sort((a, b) => b.cost - a.cost);
  return { components, medianIntensity, intensity, opportunity };
}
