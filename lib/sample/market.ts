/**
 * The market a sample file is drawn from: what a B2B distributor of industrial supplies sells, through
 * which channels, in which regions, and at what cost to serve. Every figure is a modelling choice;
 * together they make the truths in `sampleTruths`.
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
}

export const CATEGORIES: readonly Category[] = [
  {
    name: "consumables",
    code: "CON",
    products: 30,
    medianListPrice: 18,
    grossMargin: 0.38,
    returnProneShare: 0.05,
    growthPerYear: 0.02,
  },
  {
    name: "spare_parts",
    code: "SPA",
    products: 30,
    medianListPrice: 65,
    grossMargin: 0.52,
    returnProneShare: 0.3,
    growthPerYear: 0.04,
  },
  {
    name: "tools",
    code: "TOO",
    products: 20,
    medianListPrice: 140,
    grossMargin: 0.4,
    returnProneShare: 0.3,
    growthPerYear: 0,
  },
  {
    name: "safety",
    code: "SAF",
    products: 16,
    medianListPrice: 35,
    grossMargin: 0.44,
    returnProneShare: 0.35,
    growthPerYear: 0.15,
  },
  {
    name: "packaging",
    code: "PAC",
    products: 14,
    medianListPrice: 9,
    grossMargin: 0.28,
    returnProneShare: 0,
    growthPerYear: -0.1,
  },
  {
    name: "equipment",
    code: "EQP",
    products: 10,
    medianListPrice: 900,
    grossMargin: 0.28,
    returnProneShare: 0.6,
    growthPerYear: -0.05,
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
    customerShare: 0.4,
    ordersPerCustomer: 4,
    growthPerYear: 0.25,
    acquisition: 0.45,
    churn: 0.25,
    sellsToConsumers: true,
    linesPerOrder: [45, 30, 13, 7, 3, 2],
    lineValue: 60,
    baseDiscount: 0,
    volumeDiscount: 0.06,
    freightPerOrder: 11,
    freightRate: 0.02,
    handlingPerLine: 2,
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
    // Sales reps visiting plants: big orders, but every order carries the rep's time.
    name: "field_sales",
    customerShare: 0.15,
    ordersPerCustomer: 2,
    growthPerYear: 0.02,
    acquisition: 0.15,
    churn: 0.1,
    sellsToConsumers: false,
    linesPerOrder: [10, 15, 20, 20, 18, 17],
    lineValue: 500,
    baseDiscount: 0.05,
    volumeDiscount: 0.12,
    freightPerOrder: 18,
    freightRate: 0.012,
    handlingPerLine: 2.5,
    handlingRate: 0.005,
    orderProcessingPerOrder: 90,
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
    customerShare: 0.15,
    ordersPerCustomer: 2,
    growthPerYear: -0.12,
    acquisition: 0.08,
    churn: 0.22,
    sellsToConsumers: false,
    linesPerOrder: [15, 20, 20, 20, 15, 10],
    lineValue: 900,
    baseDiscount: 0.12,
    volumeDiscount: 0.1,
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
    volumeDiscount: 0.1,
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
    // Retail chains: volume discounts that grow with the account, store-by-store deliveries, labelling
    // and display packing, EDI compliance, generous returns and 120-day terms. The big chains lose money.
    name: "retail",
    customerShare: 0.25,
    ordersPerCustomer: 3,
    growthPerYear: 0.06,
    acquisition: 0.12,
    churn: 0.08,
    sellsToConsumers: false,
    linesPerOrder: [15, 20, 20, 20, 15, 10],
    lineValue: 450,
    baseDiscount: 0.14,
    volumeDiscount: 0.36,
    freightPerOrder: 35,
    freightRate: 0.065,
    handlingPerLine: 8,
    handlingRate: 0.03,
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
 * Customer size is Pareto with the 80/20 shape, capped at a size that grows with the customer count so
 * that the largest account buys a few percent, not a third: the figures must not hinge on one account.
 */
export const CUSTOMER_SIZE_SHAPE = 1.16;
export const CUSTOMER_SIZE_CAP = { perCustomer: 1 / 8, min: 20, max: 2000 } as const;
/** About 40 lines per customer, within bounds that keep small files varied and memory bounded. */
export const CUSTOMERS_PER_ROW = 1 / 40;
export const CUSTOMER_COUNT = { min: 50, max: 100_000 } as const;
/** Relative order volume by day of the week, Sunday first: a B2B business mostly works weekdays. */
export const WEEKDAY_VOLUME = [0.15, 1, 1.05, 1.05, 1, 0.95, 0.3] as const;
/** Relative order volume by month of the year: slow in August and late December. */
export const SEASONAL_VOLUME = [0.92, 0.97, 1.05, 1.02, 1.04, 1, 0.92, 0.8, 1.06, 1.08, 1.05, 0.9] as const;

const SAMPLE_DESCRIPTION =
  "A synthetic B2B distributor of industrial supplies (consumables, spare parts, tools, safety gear, " +
  "packaging, equipment) selling through five channels in five regions. Customer size is Pareto-distributed " +
  "(a few accounts buy most), larger accounts get larger discounts, and each channel has its own " +
  "cost-to-serve: online orders are small, barely discounted and cheap to process; field sales carries a " +
  "rep's time on every order; wholesale and distributors buy in bulk at deep discounts but cost little " +
  "to serve. Retail chains combine the deepest volume discounts with store-by-store freight, labelling, " +
  "EDI compliance, frequent returns and 120-day payment terms, so the retail channel as a whole loses " +
  "money, its largest chains most, while the company makes a profit. Online grows 30–40% a year and " +
  "earns well above the company margin; wholesale shrinks (fastest in the south), distributors grow in " +
  "the east, safety gear grows and packaging shrinks. List prices rise 3.5% each January. Customers " +
  "join and leave over time; returns are separate negative lines 3 to 28 days after the sale, each on " +
  "its own credit-note order id.";

/** What the generated data is known to contain, for tests, demos and the README. */
export const sampleTruths: {
  unprofitableChannel: string;
  growingProfitableSegment: { dimensions: string[]; values: Record<string, string> };
  channels: string[];
  regions: string[];
  categories: string[];
  description: string;
} = {
  unprofitableChannel: "retail",
  growingProfitableSegment: { dimensions: ["channel"], values: { channel: "online" } },
  channels: CHANNELS.map((channel) => channel.name),
  regions: REGIONS.map((region) => region.name),
  categories: CATEGORIES.map((category) => category.name),
  description: SAMPLE_DESCRIPTION,
};
