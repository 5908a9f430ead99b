import { decisionList, listCounts } from "#domain/decision-list.ts";
import type { BoardItem, BoardList, BoardPage, Decision, LeaderDecision } from "./api-types.ts";

/**
 * What the board shows, as plain data: the three columns in their order, each card's figures and the
 * state of its decision in words. No DOM here, so that the rules are tested without a browser.
 */

export interface BoardColumnSpec {
  readonly list: BoardList;
  readonly title: string;
  /** The decisions the column holds, in words. */
  readonly holds: string;
}

/** Say yes first, say no last: the order leadership reads the board in. */
export const BOARD_COLUMNS: readonly BoardColumnSpec[] = [
  { list: "yes", title: "Say yes", holds: "choose, develop" },
  { list: "fix", title: "Fix", holds: "reprice, cut cost-to-serve" },
  { list: "no", title: "Say no", holds: "decline" },
];

/** The decisions a leader can take; `insufficient_data` is a recommendation only. */
export const LEADER_DECISIONS = [
  "choose",
  "develop",
  "fix",
  "decline",
] as const satisfies readonly LeaderDecision[];

export const DECISION_LABELS: Readonly<Record<Decision, string>> = {
  choose: "Choose",
  develop: "Develop",
  fix: "Fix",
  decline: "Decline",
  insufficient_data: "Insufficient data",
};

/** The column of the board a decision belongs to; insufficient data is on none. */
export function columnOf(decision: Decision): BoardList | undefined {
  const list = decisionList(decision);
  return list === "insufficient" ? undefined : list;
}

export type DecisionStateKind = "recommended" | "approved" | "overridden" | "needs-review";

export interface DecisionStateView {
  readonly kind: DecisionStateKind;
  /** A few words for the card's badge. */
  readonly label: string;
  /** One sentence: who decided what, and when. */
  readonly detail: string;
}

/**
 * Where a segment's decision stands, in words. A standing decision a later scoring run put in
 * question reads "Needs review" whatever it was, because that is what leadership must act on.
 */
export function decisionStateView(item: Pick<BoardItem, "decision" | "state">): DecisionStateView {
  const { state } = item;
  const recommended = DECISION_LABELS[item.decision].toLowerCase();
  const who = state.by ? ` by ${state.by}` : "";
  const when = state.at ? ` on ${state.at.slice(0, 10)}` : "";
  const decided = DECISION_LABELS[state.decision].toLowerCase();
  if (state.needsReview) {
    return {
      kind: "needs-review",
      label: "Needs review",
      detail: `${state.status === "overridden" ? "Overridden" : "Approved"} as ${decided}${who}${when}; the latest scores recommend ${recommended}.`,
    };
  }
  if (state.status === "overridden") {
    return {
      kind: "overridden",
      label: `Overridden → ${decided}`,
      detail: `Overridden${who}${when}: ${decided} instead of ${recommended}.`,
    };
  }
  if (state.status === "approved") {
    return { kind: "approved", label: "Approved", detail: `Approved as ${decided}${who}${when}.` };
  }
  return {
    kind: "recommended",
    label: "Recommended",
    detail: `Recommended: ${recommended}; no decision yet.`,
  };
}

export interface BoardCard {
  /** The scheme the segment belongs to: a decision on the card is recorded under it. */
  readonly schemeId: string;
  readonly segmentId: string;
  /** The segment's dimension values, `channel: online`. */
  readonly values: string;
  readonly decision: Decision;
  readonly decisionLabel: string;
  readonly focus: number;
  readonly revenue: number;
  readonly profit: number;
  readonly margin: number;
  readonly reason: string | null;
  /** Set when the recommendation's NPV interval straddles zero: the sentence that says so. */
  readonly lowConfidence: string | null;
  readonly state: DecisionStateView;
  readonly rationale: string | null;
  /** Approving is offered unless the recommendation already stands approved. */
  readonly canApprove: boolean;
  /** The decisions an override can choose: any a leader can take but the recommendation. */
  readonly overrideChoices: readonly LeaderDecision[];
}

/** A segment's dimension values in words, as its card and its detail show them: `channel: online · region: north`. */
export function segmentValuesLabel(values: BoardItem["values"]): string {
  return Object.entries(values)
    .map(([dimension, value]) => `${dimension}: ${value}`)
    .join(" · ");
}

export function boardCard(item: BoardItem): BoardCard {
  const state = decisionStateView(item);
  return {
    schemeId: item.schemeId,
    segmentId: item.id,
    values: segmentValuesLabel(item.values),
    decision: item.decision,
    decisionLabel: DECISION_LABELS[item.decision],
    focus: item.scores.focus,
    revenue: item.metrics.revenue,
    profit: item.metrics.profit,
    margin: item.metrics.margin,
    reason: item.reasons[0]?.message ?? null,
    lowConfidence:
      item.confidence === "low"
        ? (item.reasons.find((reason) => reason.code === "uncertain_npv")?.message ??
          "The NPV's interval straddles zero: the numbers could yet turn this decision.")
        : null,
    state,
    rationale: item.state.rationale ?? null,
    canApprove: state.kind !== "approved",
    overrideChoices: LEADER_DECISIONS.filter((decision) => decision !== item.decision),
  };
}

export interface BoardColumn extends BoardColumnSpec {
  readonly cards: readonly BoardCard[];
  /** How many segments the list holds in all: the scheme's count, or the cards shown if that is more. */
  readonly total: number;
  /** The cursor of the list's next page; absent when every card is shown. */
  readonly cursor?: string;
}

/** How many segments each list of the board holds, from a scheme's count of each decision. */
export function listTotals(
  decisions: Readonly<Partial<Record<Decision, number>>>,
): Record<BoardList, number> {
  const { yes, fix, no } = listCounts(decisions);
  return { yes, fix, no };
}

/**
 * The three columns of the board from the API's three lists, in reading order. Pages of a list
 * loaded one after the other are given in order and shown as one column; a segment that appears on
 * two pages (the list moved between them) is shown once. `totals` are the lists' sizes in all, as
 * the scheme counts them.
 */
export function boardColumns(
  pages: Readonly<Partial<Record<BoardList, readonly BoardPage[]>>>,
  totals: Readonly<Partial<Record<BoardList, number>>> = {},
): BoardColumn[] {
  return BOARD_COLUMNS.map((spec) => {
    const loaded = pages[spec.list] ?? [];
    const seen = new Set<string>();
    const cards: BoardCard[] = [];
    for (const page of loaded) {
      for (const item of page.items) {
        if (seen.has(item.id)) continue;
        seen.add(item.id);
        cards.push(boardCard(item));
      }
    }
    const cursor = loaded.at(-1)?.cursor;
    const total = Math.max(totals[spec.list] ?? 0, cards.length);
    return { ...spec, cards, total, ...(cursor !== undefined && { cursor }) };
  });
}
