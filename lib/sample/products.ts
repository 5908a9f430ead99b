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
    for (let n = 1; n <= category.products; n++) {
      const listPrice = Math.max(1, Math.round(random.logNormal(category.medianListPrice, 0.5) * 100) / 100);
      const grossMargin = Math.min(0.8, Math.max(0.05, random.normal(category.grossMargin, 0.05)));
      products.push({
        category,
        listPrice,
        unitCost: listPrice * (1 - grossMargin),
        returnProne: random.chance(category.returnProneShare),
        popularity: random.logNormal(1, 0.8),
        code: `${category.code}-${String(n).padStart(3, "0")}`,
      });
    }
  }
  return products;
}
