import * as z from "zod";
import { pageQuerySchema } from "#api/schemas.ts";
import { CONFIDENCES, type Confidence, DECISIONS, type Decision } from "#domain/decisions.ts";
import type { ProfitClass } from "#domain/profit-landscape.ts";
import { NAME_PATTERN } from "#domain/scheme.ts";
import { FORECAST_METHODS, type ForecastMethod } from "#domain/scheme-backtest.ts";
import { PROFIT_CLASSES, segmentListItemSchema } from "#store/segment-snapshots.ts";

/**
 * The shapes of the planners' segment routes: the list's filters, sort and cursor, and the answers of
 * the list, a segment's sub-resources, the whale curve and the cost-to-serve pools.
 */

export const SEGMENT_SORT_KEYS = ["focus", "profit", "margin", "growth", "defensibility", "revenue"] as const;
export type SegmentSortKey = (typeof SEGMENT_SORT_KEYS)[number];
export const SORT_ORDERS = ["asc", "desc"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** A query parameter that filters on a dimension: `dim.channel=online,direct`. */
export const DIMENSION_FILTER_PREFIX = "dim.";

/**
 * One or more of the allowed values, comma-separated; API Gateway joins a repeated parameter with
 * commas, so `decision=fix&decision=decline` reads the same as `decision=fix,decline`.
 */
function oneOrMoreOf<const T extends string>(name: string, allowed: readonly [T, ...T[]]) {
  const known = new Set<string>(allowed);
  return z.string().transform((text, context) => {
    const chosen = text.split(",");
    const unknown = chosen.filter((value) => !known.has(value));
    if (unknown.length > 0) {
      context.issues.push({
        code: "custom",
        input: text,
        message: `${name} is one or more of ${allowed.join(", ")}, separated by commas; not ${unknown
          .map((value) => JSON.stringify(value))
          .join(", ")}`,
      });
      return z.NEVER;
    }
    return [...new Set(chosen)] as T[];
  });
}

/**
 * GET /schemes/{schemeId}/segments: filters (each combined with the others by "and"; the values of
 * one by "or"), sort, and a page. Any other parameter is refused, so a misspelt filter never silently
 * widens the list.
 */
export const segmentListQuerySchema = z
  .object({
    limit: pageQuerySchema.shape.limit,
    cursor: pageQuerySchema.shape.cursor,
    sort: z.enum(SEGMENT_SORT_KEYS).default("focus"),
    order: z.enum(SORT_ORDERS).default("desc"),
    decision: oneOrMoreOf("decision", DECISIONS as readonly [Decision, ...Decision[]]).optional(),
    profitClass: oneOrMoreOf("profitClass", PROFIT_CLASSES).optional(),
    minRevenue: z
      .string()
      .regex(/^-?[0-9]{1,15}(\.[0-9]{1,6})?$/, "minRevenue is a number such as 25000 or 1250.50")
      .transform(Number)
      .optional(),
  })
  .catchall(
    z.string().meta({
      description:
        "Dimension filters, one parameter per dimension: dim.channel=online&dim.region=west,north keeps the segments whose channel is online and whose region is west or north.",
      freeFormParameters: {
        name: "dimensionFilters",
        pattern: `^${DIMENSION_FILTER_PREFIX.replace(".", "\\.")}${NAME_PATTERN.source.replace(/^\^/, "")}`,
      },
    }),
  )
  .transform(({ limit, cursor, sort, order, decision, profitClass, minRevenue, ...others }, context) => {
    const dimensions: Record<string, string[]> = {};
    for (const [parameter, text] of Object.entries(others)) {
      const name = parameter.slice(DIMENSION_FILTER_PREFIX.length);
      if (!parameter.startsWith(DIMENSION_FILTER_PREFIX) || !NAME_PATTERN.test(name)) {
        context.issues.push({
          code: "custom",
          path: [parameter],
          input: text,
          message: `unknown parameter; filter on a dimension with ${DIMENSION_FILTER_PREFIX}{name}, such as dim.channel=online`,
        });
        continue;
      }
      const values = text.split(",");
      if (values.includes("")) {
        context.issues.push({
          code: "custom",
          path: [parameter],
          input: text,
          message: "a dimension filter is one or more values separated by commas, none of them empty",
        });
        continue;
      }
      dimensions[name] = [...new Set(values)];
    }
    const filters: SegmentFilters = {
      dimensions,
      ...(decision && { decision }),
      ...(profitClass && { profitClass }),
      ...(minRevenue !== undefined && { minRevenue }),
    };
    return { limit, cursor, sort, order, filters };
  });
export type SegmentListQuery = z.output<typeof segmentListQuerySchema>;

/** Which segments a list keeps: all of the given conditions; a dimension's values are alternatives. */
export interface SegmentFilters {
  readonly decision?: readonly Decision[];
  readonly profitClass?: readonly ProfitClass[];
  readonly dimensions: Readonly<Record<string, readonly string[]>>;
  readonly minRevenue?: number;
}

export const COST_POOL_TOP_DEFAULT = 10;
export const COST_POOL_TOP_MAX = 100;

export const costPoolsQuerySchema = z
  .object({
    top: z
      .string()
      .regex(/^[0-9]{1,3}$/, `top is a whole number from 1 to ${COST_POOL_TOP_MAX}`)
      .transform(Number)
      .pipe(z.number().int().min(1).max(COST_POOL_TOP_MAX))
      .default(COST_POOL_TOP_DEFAULT),
  })
  .strict();

export const segmentListPageSchema = z.object({
  /** How many segments match the filters, over all pages. */
  total: z.number().int(),
  items: z.array(segmentListItemSchema).readonly(),
  /** Opaque; absent on the last page. */
  cursor: z.string().optional(),
});
export type SegmentListPage = z.infer<typeof segmentListPageSchema>;

const projectedYearSchema = z.object({ year: z.number().int(), revenue: z.number(), profit: z.number() });

export const segmentHistorySchema = z.object({
  schemeId: z.string(),
  segmentId: z.string(),
  /** `YYYY-MM` of the first and last month of the series; null for an empty series. */
  firstMonth: z.string().nullable(),
  lastMonth: z.string().nullable(),
  months: z
    .array(
      z.object({
        month: z.string(),
        revenue: z.number(),
        profit: z.number(),
        /** profit ÷ revenue; null in a month without positive revenue. */
        margin: z.number().nullable(),
      }),
    )
    .readonly(),
});
export type SegmentHistory = z.infer<typeof segmentHistorySchema>;

/**
 * A base year: `revenue` and `profit` are the median (P50); P10 and P90 beside them, null for a segment
 * stored by a run before projections carried intervals.
 */
const projectedYearRangeSchema = projectedYearSchema.extend({
  revenueP10: z.number().nullable(),
  revenueP90: z.number().nullable(),
  profitP10: z.number().nullable(),
  profitP90: z.number().nullable(),
});

export const segmentProjectionSchema = z.object({
  schemeId: z.string(),
  segmentId: z.string(),
  base: z.object({
    years: z.array(projectedYearRangeSchema).readonly(),
    /** The median; P10 and P90 beside it (null before intervals, as for the years). */
    npv: z.number(),
    npvP10: z.number().nullable(),
    npvP90: z.number().nullable(),
    /** Which model projected the segment and why; null before runs recorded it. */
    model: z.object({ name: z.string(), reason: z.string(), method: z.string() }).nullable(),
  }),
  forces: z
    .array(
      z.object({
        forceId: z.string(),
        name: z.string(),
        exposure: z.number(),
        years: z.array(projectedYearSchema).readonly(),
        npv: z.number(),
        npvChange: z.number(),
        threatened: z.boolean(),
        helped: z.boolean(),
      }),
    )
    .readonly(),
});
export type SegmentProjection = z.infer<typeof segmentProjectionSchema>;

export const segmentDifferentiatorsSchema = z.object({
  schemeId: z.string(),
  segmentId: z.string(),
  differentiators: z
    .array(
      z.object({
        dimension: z.string(),
        value: z.string(),
        shareInSegment: z.number(),
        shareOverall: z.number(),
        lift: z.number(),
      }),
    )
    .readonly(),
});
export type SegmentDifferentiators = z.infer<typeof segmentDifferentiatorsSchema>;

export const whaleCurveResponseSchema = z.object({
  schemeId: z.string(),
  runId: z.string(),
  headline: z.object({
    /** Highest cumulative profit ÷ total profit; null when total profit is not positive. */
    peakShare: z.number().nullable(),
    /** Share of segments, most profitable first, at which the curve peaks. */
    peakAt: z.number(),
    lossSegmentShare: z.number(),
    lossSegments: z.number().int(),
    segmentCount: z.number().int(),
    totalProfit: z.number(),
  }),
  /** The curve, most profitable segments first. */
  points: z.array(z.object({ segmentShare: z.number(), profitShare: z.number() })).readonly(),
});
export type WhaleCurveResponse = z.infer<typeof whaleCurveResponseSchema>;

export const costPoolsResponseSchema = z.object({
  schemeId: z.string(),
  runId: z.string(),
  revenue: z.number(),
  costToServe: z.number(),
  medianIntensity: z.number(),
  components: z
    .array(z.object({ component: z.string(), cost: z.number(), shareOfRevenue: z.number() }))
    .readonly(),
  /** All segments' opportunity, and how many have any. */
  opportunity: z.object({ total: z.number(), segments: z.number().int() }),
  /** The largest opportunities, largest first. */
  topSegments: z.array(segmentListItemSchema).readonly(),
});
export type CostPoolsResponse = z.infer<typeof costPoolsResponseSchema>;

const decisionSchema = z.enum(DECISIONS as readonly [Decision, ...Decision[]]);

/** One number behind a decision, with the threshold it was held against and a plain sentence. */
export const reasonSchema = z.object({
  code: z.string(),
  metric: z.string(),
  value: z.union([z.number(), z.string()]).nullable(),
  threshold: z.union([z.number(), z.string()]).nullable(),
  message: z.string(),
});

/**
 * A scored segment as stored: what a client reads is typed; the metrics, the score components and the
 * projection carry more fields than are listed.
 */
export const segmentRecordSchema = z.looseObject({
  id: z.string(),
  schemeId: z.string(),
  runId: z.string(),
  values: z.record(z.string(), z.string()),
  metrics: z.looseObject({
    revenue: z.number(),
    profit: z.number(),
    margin: z.number(),
    costToServe: z.number(),
    customers: z.number(),
    firstMonth: z.string(),
    lastMonth: z.string(),
    costToServeIntensity: z.number().nullable(),
    opportunity: z.number(),
  }),
  profitClass: z.enum(PROFIT_CLASSES),
  scores: segmentListItemSchema.shape.scores,
  scoreComponents: z.looseObject({}),
  decision: decisionSchema,
  reasons: z.array(reasonSchema).readonly(),
  guidance: z.string(),
  /** Low when the NPV's P10 to P90 interval straddles zero (a reason `uncertain_npv` says so). */
  confidence: z.enum(CONFIDENCES as readonly [Confidence, ...Confidence[]]),
  projection: z.looseObject({ npv: z.number() }),
  differentiators: segmentDifferentiatorsSchema.shape.differentiators,
});

/** GET /schemes/{schemeId}/segments/{segmentId}: the segment with its monthly series (null if just removed). */
export const segmentResponseSchema = segmentRecordSchema.extend({
  history: z.object({
    firstMonth: z.string(),
    revenue: z.array(z.number()).readonly(),
    profit: z.array(z.number()).readonly(),
  }),
});

/** How far off one method was on one measure; null where there was nothing to measure against. */
const accuracyFiguresSchema = z.looseObject({
  /** Σ|actual − forecast| of each segment's first held-out year ÷ Σ|actual|, over segments and cut-offs. */
  wape: z.number().nullable(),
  /** The same over single months. */
  monthlyWape: z.number().nullable(),
  /** Mean over segments and cut-offs of the mean absolute error ÷ in-sample seasonal-naive error. */
  mase: z.number().nullable(),
});

const methodAccuracySchema = z.looseObject({ revenue: accuracyFiguresSchema, profit: accuracyFiguresSchema });

/** How often the projection beat a naive forecast: segments by their year-1 revenue error, cut-offs by WAPE. */
const beatCountSchema = z.looseObject({
  segments: z.number().int(),
  ofSegments: z.number().int(),
  cutoffs: z.number().int(),
  ofCutoffs: z.number().int(),
});

/**
 * A scheme's rolling-origin backtest as the scoring run kept it. The fields listed are those clients
 * read; the backtest may carry more (interval coverage, say), which are passed on as they are.
 */
export const forecastAccuracySchema = z.looseObject({
  holdoutMonths: z.number().int(),
  /** The last month of training of each cut-off, latest first. */
  cutoffs: z.array(z.string()).readonly(),
  /** Segments forecast at one cut-off at least, of the scheme's segments. */
  segmentsEvaluated: z.number().int(),
  segments: z.number().int(),
  methods: z.looseObject({
    fitted: methodAccuracySchema,
    "trailing-year-naive": methodAccuracySchema,
    "seasonal-naive": methodAccuracySchema,
  } satisfies Record<ForecastMethod, typeof methodAccuracySchema>),
  /** The method the scheme's projections use: the least year-1 error, revenue and profit together. */
  chosen: z.enum(FORECAST_METHODS),
  fittedBeats: z.looseObject({ trailingYearNaive: beatCountSchema, seasonalNaive: beatCountSchema }),
});

/** GET /schemes/{schemeId}/forecast-accuracy. */
export const forecastAccuracyResponseSchema = z.object({
  schemeId: z.string(),
  runId: z.string(),
  latestMonth: z.string(),
  /** Null when the data is too short for one cut-off: a year before it and the held-out months after. */
  accuracy: forecastAccuracySchema.nullable(),
  /** The figures in one plain sentence. */
  summary: z.string(),
});
export type ForecastAccuracyResponse = z.infer<typeof forecastAccuracyResponseSchema>;

/** A scheme's summary as stored, with the decision counts of its segments. */
export const schemeRecordSchema = z.looseObject({
  id: z.string(),
  dimensions: z.array(z.string()).readonly(),
  runId: z.string(),
  latestMonth: z.string(),
  segmentCount: z.number().int(),
  decisions: z.record(decisionSchema, z.number().int()),
  totals: z.object({
    revenue: z.number(),
    profit: z.number(),
    margin: z.number(),
    costToServe: z.number(),
  }),
  medianRevenue: z.number(),
  whaleCurve: z.looseObject({}),
  costPools: z.looseObject({}),
  /** The backtest of the scheme's projection; null when the data is too short to tell. */
  forecastAccuracy: forecastAccuracySchema.nullable(),
});

export const schemesResponseSchema = z.object({ schemes: z.array(schemeRecordSchema).readonly() });
