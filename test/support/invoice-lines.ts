import fc from "fast-check";
import { Cube } from "#domain/cube.ts";
import { discountFromRate } from "#domain/list-discount.ts";
import { monthIndex } from "#domain/month.ts";

/** Who bought a line, in which order and month, through which channel and category. */
export interface LinePlace {
  readonly customer: string;
  readonly order: string;
  readonly month: number;
  readonly channel: string;
  readonly category: string;
}

/** A small invoice line in canonical terms, for building cubes and files in tests. */
export interface TestLine extends LinePlace {
  /** Amount units (1/10,000). */
  readonly revenue: number;
  readonly cogs: number;
  readonly freight: number;
  readonly quantity: number;
}

export const TEST_SCHEMES = [["channel"], ["customer"], ["channel", "category"]];

export const testLine: fc.Arbitrary<TestLine> = fc.record({
  customer: fc.constantFrom("C1", "C2", "C3", "C4", "C5", "C6"),
  order: fc.constantFrom("O1", "O2", "O3", "O4", "O5", "O6", "O7", "O8"),
  month: fc.integer({ min: monthIndex(2016, 1), max: monthIndex(2024, 12) }),
  channel: fc.constantFrom("online", "retail", "wholesale"),
  category: fc.constantFrom("tools", "paint", "garden", "lighting"),
  revenue: fc.integer({ min: -5_000_000, max: 50_000_000 }),
  cogs: fc.integer({ min: 0, max: 30_000_000 }),
  freight: fc.integer({ min: 0, max: 1_000_000 }),
  quantity: fc.integer({ min: -50_000, max: 500_000 }),
});

/**
 * Builds a cube from lines directly, without any file in between, every line at the same discount
 * rate: 10% by default, whose discount off list (net ÷ 9) exercises the exact fine part and its carries.
 */
export function cubeOf(lines: readonly TestLine[], discountRateUnits = 1_000): Cube {
  const cube = Cube.empty();
  for (const scheme of TEST_SCHEMES) cube.scheme(scheme);
  const channel = cube.dimension("channel");
  const category = cube.dimension("category");
  const freight = cube.costComponent("freight");
  const facts = cube.newLineFacts();
  for (const line of lines) {
    facts.month = line.month;
    facts.values[0] = cube.dictionary(0).intern(line.customer);
    facts.values[channel] = cube.dictionary(channel).intern(line.channel);
    facts.values[category] = cube.dictionary(category).intern(line.category);
    facts.revenue = line.revenue;
    facts.cogs = line.cogs;
    facts.costs[freight] = line.freight;
    facts.profit = line.revenue - line.cogs - line.freight;
    facts.quantity = line.quantity;
    discountFromRate(line.revenue, discountRateUnits, facts);
    facts.orderHash = (line.order.charCodeAt(1) * 2654435761) >>> 0;
    cube.add(facts);
  }
  return cube;
}

/** Amount units as the decimal text an ERP would write, e.g. 1234567 → "123.4567". */
export function amountText(units: number): string {
  const sign = units < 0 ? "-" : "";
  const abs = Math.abs(units);
  return `${sign}${Math.floor(abs / 10_000)}.${String(abs % 10_000).padStart(4, "0")}`;
}

export const TEST_CSV_HEADER =
  "transaction_id,date,customer_id,order_id,revenue,quantity,cogs,cost_freight,channel,category\n";

/** One CSV row per line, with canonical headers; transaction ids are T1, T2, … in the given order. */
export function csvRows(
  lines: readonly TestLine[],
  ids: readonly number[] = lines.map((_, i) => i + 1),
): string[] {
  return lines.map((line, i) => {
    const year = 1900 + Math.floor(line.month / 12);
    const month = String((line.month % 12) + 1).padStart(2, "0");
    return `T${ids[i]},${year}-${month}-15,${line.customer},${line.customer}-${line.order},${amountText(line.revenue)},${amountText(line.quantity)},${amountText(line.cogs)},${amountText(line.freight)},${line.channel},${line.category}\n`;
  });
}

/** Yields `bytes` in chunks cut at the given offsets. */
export async function* chunked(bytes: Uint8Array, cuts: readonly number[] = []): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    yield bytes.subarray(from, cut);
    from = cut;
  }
  if (from < bytes.length) yield bytes.subarray(from);
}
