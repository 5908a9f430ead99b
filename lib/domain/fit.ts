import * as z from "zod";
import { decisionList } from "#domain/decision-list.ts";
import type { Decision, Reason } from "#domain/decisions.ts";
import { dimensionNameSchema } from "#domain/scheme.ts";
import type { ScoredSegment } from "#domain/scoring.ts";
import { segmentId } from "#domain/segment-id.ts";

export const MAX_PROSPECT_DIMENSIONS = 20;

/** A prospect as a salesperson describes it: dimension → value, e.g. { channel: "online", region: "west" }. */
export const prospectSchema = z
  .record(dimensionNameSchema, z.string().min(1, "give a value for the dimension, or leave it out"))
  .refine((prospect) => Object.keys(prospect).length <= MAX_PROSPECT_DIMENSIONS, {
    message: `a prospect has at most ${MAX_PROSPECT_DIMENSIONS} dimensions`,
  });

export type Prospect = z.infer<typeof prospectSchema>;

/** The prospect falls into an existing segment: its decision, and whether that is a yes. */
export interface FitMatch {
  readonly scheme: string;
  readonly segmentId: string;
  readonly values: Readonly<Record<string, string>>;
  readonly decision: Decision;
  /** The segment is one to choose or develop. */
  readonly sayYes: boolean;
  /** The first three reasons behind the decision. */
  readonly reasons: readonly Reason[];
  readonly guidance: string;
}

/** The prospect has every dimension of the scheme, but the data has no segment with its values. */
export interface FitNewKind {
  readonly scheme: string;
  readonly segmentId: string;
  readonly values: Readonly<Record<string, string>>;
  readonly decision: null;
  readonly note: string;
}

/** The prospect lacks some dimensions of the scheme, so it cannot be placed in it. */
export interface FitUnmatched {
  readonly scheme: string;
  readonly missing: readonly string[];
}

export type FitVerdict = "yes" | "no" | "mixed" | "unknown";

export interface FitCheck {
  /**
   * Over the matched segments with a decision other than insufficient_data: yes when every one says
   * yes, no when every one is declined, mixed otherwise, unknown when there are none.
   */
  readonly overall: FitVerdict;
  readonly summary: string;
  /** One entry per scheme whose every dimension the prospect gives, in the order of the schemes. */
  readonly segments: ReadonlyArray<FitMatch | FitNewKind>;
  readonly unmatched: readonly FitUnmatched[];
  /** Prospect dimensions that no scheme uses (a typo, or a dimension that is not scored). */
  readonly ignored: readonly string[];
}

export const NEW_KIND_NOTE = "no such segment in the data: a new kind of customer";

/** What the fit check reads of a segment: what the score store keeps of it is enough. */
export type FitSegment = Pick<ScoredSegment, "id" | "values" | "decision" | "reasons" | "guidance">;

/** What the fit check reads of a scheme: a scoring run's scheme, or the segments a store found for the prospect. */
export interface FitScheme {
  readonly id: string;
  readonly dimensions: readonly string[];
  readonly segments: readonly FitSegment[];
}

const REASONS_SHOWN = 3;

/** "Choose your customer" at the moment a salesperson needs it: the segments a prospect falls into, and their decisions. */
export function fitCheck(
  result: { readonly schemes: readonly FitScheme[] },
  prospect: Readonly<Record<string, string>>,
): FitCheck {
  const given = (dimension: string) => Object.hasOwn(prospect, dimension);
  const segments: Array<FitMatch | FitNewKind> = [];
  const unmatched: FitUnmatched[] = [];
  for (const scheme of result.schemes) {
    const missing = scheme.dimensions.filter((dimension) => !given(dimension));
    if (missing.length > 0) unmatched.push({ scheme: scheme.id, missing });
    else segments.push(placeIn(scheme, prospect));
  }
  const used = new Set(result.schemes.flatMap((scheme) => scheme.dimensions));
  const ignored = Object.keys(prospect).filter((dimension) => !used.has(dimension));
  const overall = verdictOf(segments);
  return { overall, summary: summaryOf(overall, segments, unmatched), segments, unmatched, ignored };
}

function placeIn(scheme: FitScheme, prospect: Readonly<Record<string, string>>): FitMatch | FitNewKind {
  const values = Object.fromEntries(
    scheme.dimensions.map((dimension) => [dimension, prospect[dimension] as string]),
  );
  const id = segmentId(scheme.dimensions.map((dimension) => values[dimension] as string));
  const segment = scheme.segments.find((candidate) => candidate.id === id);
  if (!segment) return { scheme: scheme.id, segmentId: id, values, decision: null, note: NEW_KIND_NOTE };
  return {
    scheme: scheme.id,
    segmentId: segment.id,
    values: segment.values,
    decision: segment.decision,
    sayYes: decisionList(segment.decision) === "yes",
    reasons: segment.reasons.slice(0, REASONS_SHOWN),
    guidance: segment.guidance,
  };
}

/** The matched segments whose decision says something: neither a new kind nor insufficient data. */
function decided(segments: ReadonlyArray<FitMatch | FitNewKind>): FitMatch[] {
  return segments.filter(
    (segment): segment is FitMatch => segment.decision !== null && segment.decision !== "insufficient_data",
  );
}

function verdictOf(segments: ReadonlyArray<FitMatch | FitNewKind>): FitVerdict {
  const matches = decided(segments);
  if (matches.length === 0) return "unknown";
  if (matches.every((match) => match.sayYes)) return "yes";
  if (matches.every((match) => match.decision === "decline")) return "no";
  return "mixed";
}

/** "channel online: choose", "customer C9: a new kind of customer". */
function describe(segment: FitMatch | FitNewKind): string {
  const what =
    segment.decision === null
      ? "a new kind of customer"
      : segment.decision === "insufficient_data"
        ? "too little data"
        : segment.decision;
  return `${segment.scheme} ${segment.segmentId}: ${what}`;
}

function summaryOf(
  overall: FitVerdict,
  segments: ReadonlyArray<FitMatch | FitNewKind>,
  unmatched: readonly FitUnmatched[],
): string {
  const list = segments.map(describe).join("; ");
  switch (overall) {
    case "yes":
      return `Say yes: every segment this prospect falls into that has a decision is one to choose or develop (${list}).`;
    case "no":
      return `Say no to new business on the usual terms: every segment this prospect falls into that has a decision is declined (${list}); if you take it, change the terms (minimum order, price, channel).`;
    case "mixed": {
      const matches = decided(segments);
      const yes = matches.filter((match) => match.sayYes).length;
      return `Mixed: ${yes} of the ${matches.length} segments with a decision ${yes === 1 ? "says" : "say"} yes (${list}); read the reasons of the others before saying yes.`;
    }
    case "unknown": {
      const missing = [...new Set(unmatched.flatMap((scheme) => scheme.missing))];
      const why = [
        ...(segments.length > 0 ? [list] : []),
        ...(missing.length > 0
          ? [`give ${missing.join(", ")} to place it in ${segments.length > 0 ? "more schemes" : "a scheme"}`]
          : []),
      ];
      return `Unknown: no segment with enough data decides for this prospect${why.length > 0 ? ` (${why.join("; ")})` : ""}.`;
    }
  }
}
