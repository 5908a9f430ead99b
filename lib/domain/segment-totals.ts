import { fromAmountUnits } from "#domain/amount.ts";
import { COST_OFFSET, type Cube, MonthFigure, type SchemeAggregate } from "#domain/cube.ts";

/** A segment's figures summed over every month, in currency units. */
export interface SegmentTotals {
  readonly values: Readonly<Record<string, string>>;
  readonly revenue: number;
  readonly cogs: number;
  readonly costToServe: number;
  readonly profit: number;
  readonly lines: number;
  readonly customers: number;
}

/** Sums each segment of a scheme over its months: one pass over the month rows, one over customers. */
export function segmentTotals(cube: Cube, scheme: SchemeAggregate): SegmentTotals[] {
  const count = scheme.segmentCount;
  const revenue = new Float64Array(count);
  const cogs = new Float64Array(count);
  const costToServe = new Float64Array(count);
  const profit = new Float64Array(count);
  const lines = new Float64Array(count);
  const customers = new Float64Array(count);
  const stride = scheme.monthFigureStride;
  const figures = scheme.monthFigures;
  for (let row = 0; row < scheme.monthKeys.size; row++) {
    const segment = scheme.monthKeys.keyAt(row, 0);
    const at = row * stride;
    revenue[segment] = (revenue[segment] as number) + (figures[at + MonthFigure.revenue] as number);
    cogs[segment] = (cogs[segment] as number) + (figures[at + MonthFigure.cogs] as number);
    profit[segment] = (profit[segment] as number) + (figures[at + MonthFigure.profit] as number);
    lines[segment] = (lines[segment] as number) + (figures[at + MonthFigure.lines] as number);
    for (let k = COST_OFFSET; k < stride; k++)
      costToServe[segment] = (costToServe[segment] as number) + (figures[at + k] as number);
  }
  for (let row = 0; row < scheme.customerKeys.size; row++) {
    const segment = scheme.customerKeys.keyAt(row, 0);
    customers[segment] = (customers[segment] as number) + 1;
  }
  return Array.from({ length: count }, (_, segment) => ({
    values: Object.fromEntries(
      scheme.dimensions.map((name, j) => [
        name,
        cube.dictionary(scheme.picks[j] as number).valueOf(scheme.segments.keyAt(segment, j)),
      ]),
    ),
    revenue: fromAmountUnits(revenue[segment] as number),
    cogs: fromAmountUnits(cogs[segment] as number),
    costToServe: fromAmountUnits(costToServe[segment] as number),
    profit: fromAmountUnits(profit[segment] as number),
    lines: lines[segment] as number,
    customers: customers[segment] as number,
  }));
}
