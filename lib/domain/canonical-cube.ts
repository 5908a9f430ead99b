import type { Cube } from "#domain/cube.ts";
import {
  CATEGORY_OVERFLOW_BIT,
  COST_OFFSET,
  CUSTOMER_AMOUNT_STRIDE,
  CUSTOMER_FACT_STRIDE,
  CustomerAmount,
  CustomerFact,
  forEachBit,
  MonthFigure,
  type SchemeAggregate,
} from "#domain/scheme-aggregate.ts";

/**
 * A cube as plain, id-free, sorted data. Dictionary ids differ between cubes, so the laws of merge
 * (and a file's cube against its chunks') are judged on this form: equal cubes have deep-equal
 * canonical forms.
 */
export interface CanonicalCube {
  breadthDimension: string;
  costComponents: string[];
  schemes: CanonicalScheme[];
}

export interface CanonicalScheme {
  id: string;
  dimensions: string[];
  segments: CanonicalSegment[];
}

export interface CanonicalSegment {
  values: string[];
  months: Array<{ month: number; figures: Record<string, number> }>;
  customers: Array<{
    customer: string;
    revenue: number;
    profit: number;
    lines: number;
    orderHashes: [number, number];
    firstMonth: number;
    lastMonth: number;
    activeMonths: number[];
    categories: string[];
  }>;
}

/** Every figure of the cube, in values rather than ids, sorted. */
export function canonicalCube(cube: Cube): CanonicalCube {
  const breadthIndex = cube.dimensionIndex(cube.breadthDimension);
  const breadthValues = breadthIndex === undefined ? [] : cube.dictionary(breadthIndex).values;
  return {
    breadthDimension: cube.breadthDimension,
    costComponents: [...cube.costComponents].sort(),
    schemes: cube.schemes
      .map((scheme) => canonicalScheme(cube, scheme, breadthValues))
      .sort((a, b) => compareText(a.id, b.id)),
  };
}

function canonicalScheme(
  cube: Cube,
  scheme: SchemeAggregate,
  breadthValues: readonly string[],
): CanonicalScheme {
  const segments: CanonicalSegment[] = [];
  for (let segment = 0; segment < scheme.segments.size; segment++) {
    segments.push({
      values: Array.from(scheme.picks, (pick, j) =>
        cube.dictionary(pick).valueOf(scheme.segments.keyAt(segment, j)),
      ),
      months: [],
      customers: [],
    });
  }
  const monthData = scheme.monthFigures;
  for (let row = 0; row < scheme.monthKeys.size; row++) {
    const at = row * scheme.monthFigureStride;
    const figures: Record<string, number> = {};
    for (const [name, offset] of Object.entries(MonthFigure))
      figures[name] = monthData[at + offset] as number;
    cube.costComponents.forEach((name, k) => {
      figures[`cost:${name}`] = monthData[at + COST_OFFSET + k] as number;
    });
    (segments[scheme.monthKeys.keyAt(row, 0)] as CanonicalSegment).months.push({
      month: scheme.monthKeys.keyAt(row, 1),
      figures,
    });
  }
  const customers = cube.dictionary(0);
  const amountData = scheme.customerAmounts;
  const factData = scheme.customerFacts;
  for (let row = 0; row < scheme.customerKeys.size; row++) {
    const amounts = row * CUSTOMER_AMOUNT_STRIDE;
    const facts = row * CUSTOMER_FACT_STRIDE;
    const fact = (offset: number) => factData[facts + offset] as number;
    const lastMonth = fact(CustomerFact.lastMonth);
    const activeMonths: number[] = [];
    forEachBit(fact(CustomerFact.activeLow), fact(CustomerFact.activeHigh), (bit) =>
      activeMonths.push(lastMonth - bit),
    );
    const categories: string[] = [];
    forEachBit(fact(CustomerFact.categoryLow), fact(CustomerFact.categoryHigh), (bit) =>
      categories.push(bit === CATEGORY_OVERFLOW_BIT ? "…" : (breadthValues[bit] as string)),
    );
    (segments[scheme.customerKeys.keyAt(row, 0)] as CanonicalSegment).customers.push({
      customer: customers.valueOf(scheme.customerKeys.keyAt(row, 1)),
      revenue: amountData[amounts + CustomerAmount.revenue] as number,
      profit: amountData[amounts + CustomerAmount.profit] as number,
      lines: amountData[amounts + CustomerAmount.lines] as number,
      orderHashes: [fact(CustomerFact.orderLow), fact(CustomerFact.orderHigh)],
      firstMonth: fact(CustomerFact.firstMonth),
      lastMonth,
      activeMonths: activeMonths.sort((a, b) => a - b),
      categories: categories.sort(compareText),
    });
  }
  for (const segment of segments) {
    segment.months.sort((a, b) => a.month - b.month);
    segment.customers.sort((a, b) => compareText(a.customer, b.customer));
  }
  segments.sort((a, b) => compareText(a.values.join("\u0000"), b.values.join("\u0000")));
  return { id: scheme.id, dimensions: [...scheme.dimensions], segments };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
