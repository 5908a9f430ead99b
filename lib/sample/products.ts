/** The product catalogue of a sample file, drawn once per file from the seed. */
import { CATEGORIES, type Category } from "#sample/market.ts";
import type { Random } from "#sample/random.ts";

export interface Product {
  readonly category: Category;
  readonly listPrice: number;
  /** Unit COGS at the first year's prices. */
  readonly unitCost: number;
  readonly returnProne: boolean;
  /** How often the product is ordered, relative to others in the same channel and month. */
  readonly popularity: number;
  /** The product code: the category's prefix and a number, e.g. SPA-007. */
  readonly code: string;
}

export function createProducts(random: Random): Product[] {
  const products: Product[] = [];
  for (const category of CATEGORIES) {
    const drawn = Array.from({ length: category.products }, () => ({
      listPrice: Math.max(1, Math.round(random.logNormal(category.medianListPrice, 0.5) * 100) / 100),
      marginDeviation: random.normal(0, 0.05),
      returnProne: random.chance(category.returnProneShare),
      popularity: random.logNormal(1, 0.8),
    }));
    // Margins spread around the category's, centred on it as customers buy (weighted by popularity): a
    // few popular products would otherwise move the company's margin by a point from one seed to the next,
    // and with it every loss maker's share.
    const totalPopularity = drawn.reduce((sum, product) => sum + product.popularity, 0);
    const bias = drawn.reduce((sum, product) => sum + product.marginDeviation * product.popularity, 0);
    for (const [index, product] of drawn.entries()) {
      const deviation = product.marginDeviation - bias / totalPopularity;
      const grossMargin = Math.min(0.8, Math.max(0.05, category.grossMargin + deviation));
      products.push({
        category,
        listPrice: product.listPrice,
        unitCost: product.listPrice * (1 - grossMargin),
        returnProne: product.returnProne,
        popularity: product.popularity,
        code: `${category.code}-${String(index + 1).padStart(3, "0")}`,
      });
    }
  }
  return products;
}
