/**
 * The market a sample file is drawn from: what a B2B distributor of industrial supplies sells, through
 * which channels, in which regions, and at what cost to serve. Every figure is a modelling choice;
 * together they make the truths in `sampleTruths` (sample-truths.ts).
 */

type CategoryName = "consumables" | "spare_parts" | "tools" | "safety" | "packaging" | "equipment";

export interface Category {
  readonly name: CategoryName;
  /** Prefix of the product codes, e.g. SPA-007. */
  readonly code: string;
  readonly products: number;
  readonly medianListPrice: number;
  /** Gross margin at list price; a discount comes straight out of it. */
  readonly grossMargin: number;
  /** Share of the category's products that customers send back (wrong size, wrong part, damaged). */
  readonly returnProneShare: number;
  readonly growthPerYear: number;
  /** How strongly the category follows `SEASONAL_VOLUME`: 1 exactly, 0.5 with half its swings, 0 flat. */
  readonly seasonality: number;
}

export const CATEGORIES: readonly Category[] = [
  {
    name: "consumables",
    code: "CON",
    products: 30,
    medianListPrice: 18,
    grossMargin: 0.35,
    returnProneShare: 0.05,
    growthPerYear: 0.02,
    seasonality: 0.7,
  },
  {
    name: "spare_parts",
    code: "SPA",
    products: 30,
    medianListPrice: 65,
    grossMargin: 0.47,
    returnProneShare: 0.3,
    growthPerYear: 0.04,
    seasonality: 0.6,
  },
  {
    name: "tools",
    code: "TOO",
    products: 20,
    medianListPrice: 140,
    grossMargin: 0.37,
    returnProneShare: 0.3,
    growthPerYear: 0,
    seasonality: 1.2,
  },
  {
    name: "safety",
    code: "SAF",
    products: 16,
    medianListPrice: 35,
    grossMargin: 0.41,
    returnProneShare: 0.35,
    growthPerYear: 0.15,
    seasonality: 1,
  },
  {
    name: "packaging",
    code: "PAC",
    products: 14,
    medianListPrice: 9,
    grossMargin: 0.26,
    returnProneShare: 0,
    growthPerYear: -0.1,
    seasonality: 1.4,
  },
  {
    name: "equipment",
    code: "EQP",
    products: 10,
    medianListPrice: 900,
    grossMargin: 0.26,
    returnProneShare: 0.6,
    growthPerYear: -0.05,
    seasonality: 1.3,
  },
];

export interface Channel {
  readonly name: string;
  /** Share of the customer base that buys through this channel. */
  readonly customerShare: number;
  /** Relative number of orders a customer of a given size places: web-shop customers order small and often. */
  readonly ordersPerCustomer: number;
  readonly growthPerYear: number;
  /** Probability that a customer starts buying during the period rather than before it. */
  readonly acquisition: number;
  /** Probability that a small customer stops buying during the period; large accounts are stickier. */
  readonly churn: number;
  readonly sellsToConsumers: boolean;
  /** Relative odds of an order having 1, 2, … 6 lines. */
  readonly linesPerOrder: readonly number[];
  /** Typical list value of one order line for the smallest customer; larger customers buy more per line. */
  readonly lineValue: number;
  /** Negotiated discount rate of the smallest account; the largest get `volumeDiscount` on top. */
  readonly baseDiscount: number;
  readonly volumeDiscount: number;
  /** Cost-to-serve: per order, per line, and as a share of the list value shipped. */
  readonly freightPerOrder: number;
  readonly freightRate: number;
  readonly handlingPerLine: number;
  readonly handlingRate: number;
  readonly orderProcessingPerOrder: number;
  /** Probability that a line of a return-prone product comes back. */
  readonly returnRate: number;
  /** Reverse-logistics provision booked on each return-prone line, as a share of its revenue. */
  readonly returnProvision: number;
  /** Days of credit; their cost is revenue × days / 365 × COST_OF_CAPITAL. */
  readonly paymentDays: number;
  /** How much more (> 1) or less (< 1) than average the channel sells of each category. */
  readonly categoryAffinity: Readonly<Record<CategoryName, number>>;
}

export const CHANNELS: readonly Channel[] = [
  {
    // The web shop: small orders, list prices, automated order entry; the segment the data rewards.
    name: "online",
    customerShare: 0.32,
    ordersPerCustomer: 4,
    growthPerYear: 0.25,
    acquisition: 0.45,
    churn: 0.25,
    sellsToConsumers: true,
    linesPerOrder: [45, 30, 13, 7, 3, 2],
    lineValue: 60,
    baseDiscount: 0,
    volumeDiscount: 0.06,
    freightPerOrder: 14,
    freightRate: 0.02,
    handlingPerLine: 3,
    handlingRate: 0.005,
    orderProcessingPerOrder: 1.5,
    returnRate: 0.12,
    returnProvision: 0.03,
    paymentDays: 14,
    categoryAffinity: {
      consumables: 1.3,
      spare_parts: 1.6,
      tools: 0.8,
      safety: 1.2,
      packaging: 0.6,
      equipment: 0.3,
    },
  },
  {
    // Phone and e-mail orders from small workshops: one or two items at a time, keyed in by hand after a
    // call, often wanted tomorrow and sent by courier. Each line carries costs meant for a full order:
    // the sample's desert. Its customers drift to the web shop.
    name: "telesales",
    customerShare: 0.2,
    ordersPerCustomer: 5,
    growthPerYear: -0.08,
    acquisition: 0.15,
    churn: 0.3,
    sellsToConsumers: false,
    linesPerOrder: [70, 22, 6, 2, 0, 0],
    lineValue: 35,
    baseDiscount: 0.02,
    volumeDiscount: 0.06,
    freightPerOrder: 19,
    freightRate: 0.02,
    handlingPerLine: 5,
    handlingRate: 0.01,
    orderProcessingPerOrder: 18,
    returnRate: 0.1,
    returnProvision: 0.03,
    paymentDays: 50,
    categoryAffinity: {
      consumables: 1.2,
      spare_parts: 1.5,
      tools: 1.1,
      safety: 1,
      packaging: 0.7,
      equipment: 0.3,
    },
  },
  {
    // Sales reps visiting plants: big orders, but every order carries the rep's time.
    name: "field_sales",
    customerShare: 0.13,
    ordersPerCustomer: 2,
    growthPerYear: 0.02,
    acquisition: 0.15,
    churn: 0.1,
    sellsToConsumers: false,
    linesPerOrder: [10, 15, 20, 20, 18, 17],
    lineValue: 500,
    baseDiscount: 0.05,
    volumeDiscount: 0.2,
    freightPerOrder: 18,
    freightRate: 0.012,
    handlingPerLine: 2.5,
    handlingRate: 0.005,
    orderProcessingPerOrder: 120,
    returnRate: 0.04,
    returnProvision: 0.015,
    paymentDays: 45,
    categoryAffinity: {
      consumables: 0.8,
      spare_parts: 1.4,
      tools: 1.2,
      safety: 1,
      packaging: 0.5,
      equipment: 2.2,
    },
  },
  {
    // Pallets to trade customers: cheap to serve, but a shrinking business.
    name: "wholesale",
    customerShare: 0.12,
    ordersPerCustomer: 2,
    growthPerYear: -0.12,
    acquisition: 0.08,
    churn: 0.22,
    sellsToConsumers: false,
    linesPerOrder: [15, 20, 20, 20, 15, 10],
    lineValue: 900,
    baseDiscount: 0.12,
    volumeDiscount: 0.14,
    freightPerOrder: 30,
    freightRate: 0.01,
    handlingPerLine: 3,
    handlingRate: 0.004,
    orderProcessingPerOrder: 14,
    returnRate: 0.03,
    returnProvision: 0.01,
    paymentDays: 30,
    categoryAffinity: {
      consumables: 1.6,
      spare_parts: 0.6,
      tools: 0.8,
      safety: 0.9,
      packaging: 2,
      equipment: 0.4,
    },
  },
  {
    // Resellers buying full truckloads: the deepest base discount, the lowest cost-to-serve.
    name: "distributor",
    customerShare: 0.05,
    ordersPerCustomer: 2.5,
    growthPerYear: 0,
    acquisition: 0.1,
    churn: 0.05,
    sellsToConsumers: false,
    linesPerOrder: [5, 10, 15, 20, 25, 25],
    lineValue: 1200,
    baseDiscount: 0.18,
    volumeDiscount: 0.12,
    freightPerOrder: 45,
    freightRate: 0.006,
    handlingPerLine: 2,
    handlingRate: 0.002,
    orderProcessingPerOrder: 12,
    returnRate: 0.02,
    returnProvision: 0.008,
    paymentDays: 60,
    categoryAffinity: {
      consumables: 1.3,
      spare_parts: 1.1,
      tools: 1,
      safety: 1,
      packaging: 1.2,
      equipment: 0.6,
    },
  },
  {
    // Retail chains: a third off list for every chain and more for the largest, beyond the goods' margin,
    // with store-by-store deliveries, labelling, EDI compliance, generous returns and 120-day terms on
    // top. The channel is the company's profit drain, its largest chains most.
    name: "retail",
    customerShare: 0.18,
    ordersPerCustomer: 3,
    growthPerYear: 0.06,
    acquisition: 0.12,
    churn: 0.08,
    sellsToConsumers: false,
    linesPerOrder: [15, 20, 20, 20, 15, 10],
    lineValue: 450,
    baseDiscount: 0.29,
    volumeDiscount: 0.1,
    freightPerOrder: 35,
    freightRate: 0.055,
    handlingPerLine: 8,
    handlingRate: 0.025,
    orderProcessingPerOrder: 38,
    returnRate: 0.15,
    returnProvision: 0.05,
    paymentDays: 120,
    categoryAffinity: {
      consumables: 0.9,
      spare_parts: 0.5,
      tools: 1.6,
      safety: 1.4,
      packaging: 0.4,
      equipment: 1.3,
    },
  },
];

export interface Region {
  readonly name: string;
  readonly customerShare: number;
  /** Added to the channel's yearly growth for customers in this region. */
  readonly growthPerYear: number;
}

export const REGIONS: readonly Region[] = [
  { name: "north", customerShare: 0.25, growthPerYear: 0 },
  { name: "south", customerShare: 0.2, growthPerYear: -0.06 },
  { name: "east", customerShare: 0.15, growthPerYear: 0.08 },
  { name: "west", customerShare: 0.25, growthPerYear: 0 },
  { name: "central", customerShare: 0.15, growthPerYear: -0.03 },
];

/** Channel × region cells with a story of their own, on top of the channel and region trends. */
export const LOCAL_GROWTH: readonly { channel: string; region: string; growthPerYear: number }[] = [
  // A new distribution partner network in the east.
  { channel: "distributor", region: "east", growthPerYear: 0.25 },
  // Trade customers in the south consolidating into buying groups that go elsewhere.
  { channel: "wholesale", region: "south", growthPerYear: -0.15 },
];

/** Yearly cost of the money tied up in receivables. */
export const COST_OF_CAPITAL = 0.08;
/** List prices (and unit costs) rise each January. */
export const PRICE_INCREASE_PER_YEAR = 0.035;
/** The most any line can be discounted, promotions included. */
export const MAX_DISCOUNT = 0.6;
export const PROMOTION_CHANCE = 0.08;
export const PROMOTION_DISCOUNT = 0.05;
/** A return arrives this many days after its sale; returns due after the last day are not in the file yet. */
export const RETURN_DELAY_DAYS = { min: 3, max: 28 } as const;
/**
 * Customer size is Pareto with the 80/20 shape, capped at a size that grows with the customer count of
 * the customer's channel so that the largest account buys a few percent, not a third: the figures must
 * not hinge on one account.
 */
export const CUSTOMER_SIZE_SHAPE = 1.16;
export const CUSTOMER_SIZE_CAP = { perCustomer: 1 / 8, min: 20, max: 2000 } as const;
/** How many times the smallest account's line value the largest account's lines are worth. */
export const LARGEST_LINE_SCALE = 8;
/** About 40 lines per customer, within bounds that keep small files varied and memory bounded. */
export const CUSTOMERS_PER_ROW = 1 / 40;
export const CUSTOMER_COUNT = { min: 50, max: 100_000 } as const;
/** Relative order volume by day of the week, Sunday first: a B2B business mostly works weekdays. */
export const WEEKDAY_VOLUME = [0.15, 1, 1.05, 1.05, 1, 0.95, 0.3] as const;
/**
 * Relative order volume by month of the year, January first, averaging 1: the distribution pattern of
 * a business that stocks its customers for the winter and the year-end (February about 0.7, November
 * and December about 1.5), with a summer lull. Each category follows it by its `seasonality`.
 */
export const SEASONAL_VOLUME = [0.82, 0.7, 0.9, 0.94, 0.95, 0.92, 0.86, 0.8, 1.0, 1.12, 1.46, 1.53] as const;
/**
 * How customers of the same size differ in what they cost to serve (Kaplan and Narayanan's hidden
 * costs): some order in small drops, some want express delivery, extra handling or a call for every
 * order, some pay late. Each is a log-normal spread around the channel's figure.
 */
export const CUSTOMER_SPREAD = {
  /** Of the size of an order's lines; the customer orders correspondingly more often. */
  dropSize: 0.6,
  /** Of the per-order and per-line costs to serve: freight, handling, order processing. */
  serviceIntensity: 0.7,
  /** Of the days the customer takes to pay. */
  paymentDays: 0.35,
  /** Of the negotiated discount, as a standard deviation in points (price waterfalls leak unevenly). */
  discountPoints: 0.015,
} as const;
