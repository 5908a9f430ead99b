/**
 * What a generated sample is known to contain, for tests, demos and the README: the story the market's
 * figures are chosen to tell, as the profitability literature finds it in real customer bases.
 */
import { CATEGORIES, CHANNELS, REGIONS, SEASONAL_VOLUME } from "#sample/market.ts";

interface SegmentValues {
  readonly dimensions: readonly string[];
  readonly values: Readonly<Record<string, string>>;
}

const SAMPLE_DESCRIPTION =
  "A synthetic B2B distributor of industrial supplies (consumables, spare parts, tools, safety gear, " +
  "packaging, equipment) selling through six channels in five regions. Customer size is Pareto-distributed " +
  "(a few accounts buy most), larger accounts get larger discounts, and each channel has its own " +
  "cost-to-serve; customers of the same size differ too, in how small their orders are, how much " +
  "service they ask for and how late they pay. Retail chains are given about a third off list, their " +
  "largest chains up to 40%, more than the goods' margin: the retail channel is a profit drain, the " +
  "company's largest revenue and its largest loss. Telesales takes phone orders of one or two small items, " +
  "keyed in by hand and sent by courier, so order processing, freight and handling eat each line: a desert, " +
  "small and losing money. Online orders are small too but cheap to take; online grows fastest, a third " +
  "or more a year, and earns three times the company margin. Wholesale shrinks 15–20% a year, telesales " +
  "and packaging shrink, safety gear and the east grow. Sales are seasonal: February is about 0.7 of an average month, " +
  "November and December about 1.5, packaging and equipment swing most, spare parts least. About a third " +
  "of the customers lose money, and the most profitable earn 150–250% of the company's profit. List " +
  "prices rise 3.5% each January. Customers join and leave over time; returns are separate negative " +
  "lines 3 to 28 days after the sale, each on its own credit-note order id.";

export const sampleTruths: {
  /** Loses money as a whole, its largest customers most, through its discounts: a drain. */
  readonly unprofitableChannel: string;
  /** Small, and losing money through the cost of serving small orders: a desert. */
  readonly desertChannel: string;
  readonly growingProfitableSegment: SegmentValues;
  readonly shrinkingSegment: SegmentValues;
  /** The customer whale curve the market is built to give, over whole files of a few thousand lines up. */
  readonly customerWhaleCurve: {
    readonly peakShare: { readonly min: number; readonly max: number };
    readonly lossCustomerShare: { readonly min: number; readonly max: number };
  };
  /** Relative volume by month of the year, January first. */
  readonly seasonalVolume: readonly number[];
  readonly channels: readonly string[];
  readonly regions: readonly string[];
  readonly categories: readonly string[];
  readonly description: string;
} = {
  unprofitableChannel: "retail",
  desertChannel: "telesales",
  growingProfitableSegment: { dimensions: ["channel"], values: { channel: "online" } },
  shrinkingSegment: { dimensions: ["channel"], values: { channel: "wholesale" } },
  customerWhaleCurve: { peakShare: { min: 1.5, max: 2.5 }, lossCustomerShare: { min: 0.2, max: 0.4 } },
  seasonalVolume: SEASONAL_VOLUME,
  channels: CHANNELS.map((channel) => channel.name),
  regions: REGIONS.map((region) => region.name),
  categories: CATEGORIES.map((category) => category.name),
  description: SAMPLE_DESCRIPTION,
};
