import { monthIndex } from "#domain/month.ts";
import { monthsOf, type Sale } from "./segment-sales.ts";

/**
 * Six channels over 2023 (the prior twelve months) and 2024 (the trailing twelve months, TTM), small
 * enough to score by hand. Figures are per customer-month and per unit of the customer's weight; each
 * customer-month is one line and one order unless said otherwise. Arrows read 2023 → 2024.
 *
 * - direct: D1 (weight 2), D2, D3 (1), all 24 months; revenue 50 → 60, cogs 25 → 30, freight 2,
 *   handling 1; discount 5%; tools in 2023, paint in 2024.
 * - online: O1, O2 all 24 months, O3 new in 2024 (weight 1); revenue 20 → 30, cogs 12 → 18, freight 1;
 *   discount 2%; garden.
 * - wholesale: W1 (8), W2, W3 (1), all 24 months; revenue 40, cogs 28, freight 3 → 4, handling 2 → 3,
 *   returns 1; discount 15%; tools.
 * - outlet: U1, U2, U3 (1), all 24 months; revenue 30 → 25, cogs 30 → 26, freight 2, handling 1
 *   (a loss); discount 30%; paint.
 * - warranty: no revenue, no cogs, handling 5 a line: X1, X2 every month of 2023; X3 July–December 2024,
 *   its six lines one order; lighting.
 * - pilot: P1, two lines of one order in December 2024 only; revenue 50, cogs 20, freight 1 a line;
 *   no discount; tools.
 */
export function channelFixtureSales(): Sale[] {
  const prior = monthsOf(2023);
  const ttm = monthsOf(2024);
  const both = [...prior, ...ttm];
  const sales: Sale[] = [
    ...monthlyLines(
      "direct",
      { D1: 2, D2: 1, D3: 1 },
      () => both,
      (weight, early) => ({
        category: early ? "tools" : "paint",
        revenue: weight * (early ? 50 : 60),
        cogs: weight * (early ? 25 : 30),
        costs: { freight: weight * 2, handling: weight },
        discountRate: 0.05,
      }),
    ),
    ...monthlyLines(
      "online",
      { O1: 1, O2: 1, O3: 1 },
      (customer) => (customer === "O3" ? ttm : both),
      (_, early) => ({
        category: "garden",
        revenue: early ? 20 : 30,
        cogs: early ? 12 : 18,
        costs: { freight: 1 },
        discountRate: 0.02,
      }),
    ),
    ...monthlyLines(
      "wholesale",
      { W1: 8, W2: 1, W3: 1 },
      () => both,
      (weight, early) => ({
        category: "tools",
        revenue: weight * 40,
        cogs: weight * 28,
        costs: { freight: weight * (early ? 3 : 4), handling: weight * (early ? 2 : 3), returns: weight },
        discountRate: 0.15,
      }),
    ),
    ...monthlyLines(
      "outlet",
      { U1: 1, U2: 1, U3: 1 },
      () => both,
      (_, early) => ({
        category: "paint",
        revenue: early ? 30 : 25,
        cogs: early ? 30 : 26,
        costs: { freight: 2, handling: 1 },
        discountRate: 0.3,
      }),
    ),
  ];

  for (const customer of ["X1", "X2"]) {
    for (const month of prior) {
      sales.push({
        customer,
        order: `${customer}-${month}`,
        month,
        channel: "warranty",
        category: "lighting",
        revenue: 0,
        cogs: 0,
        costs: { handling: 5 },
      });
    }
  }
  for (const month of ttm.slice(6)) {
    sales.push({
      customer: "X3",
      order: "X3-claim",
      month,
      channel: "warranty",
      category: "lighting",
      revenue: 0,
      cogs: 0,
      costs: { handling: 5 },
    });
  }

  for (let line = 0; line < 2; line++) {
    sales.push({
      customer: "P1",
      order: "P1-trial",
      month: monthIndex(2024, 12),
      channel: "pilot",
      category: "tools",
      revenue: 50,
      cogs: 20,
      costs: { freight: 1 },
      discountRate: 0,
    });
  }
  return sales;
}

/** What a line says beyond who bought it, when and through which channel. */
type LineFigures = Omit<Sale, "customer" | "order" | "month" | "channel">;

/**
 * One line a month for each customer of a channel (customer → weight), each its own order, with figures per unit of the
 * customer's weight that may change from the prior year to the trailing twelve months.
 */
function monthlyLines(
  channel: string,
  weights: Readonly<Record<string, number>>,
  monthsOfCustomer: (customer: string) => readonly number[],
  figures: (weight: number, inPrior: boolean) => LineFigures,
): Sale[] {
  return Object.entries(weights).flatMap(([customer, weight]) =>
    monthsOfCustomer(customer).map((month) => ({
      customer,
      order: `${customer}-${month}`,
      month,
      channel,
      ...figures(weight, month <= monthIndex(2023, 12)),
    })),
  );
}
