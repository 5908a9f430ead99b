import { describe, expect, it } from "vitest";
import type { BoardItem, BoardPage, Decision } from "#web/api-types.ts";
import {
  BOARD_COLUMNS,
  boardCard,
  boardColumns,
  columnOf,
  decisionStateView,
  listTotals,
} from "#web/board.ts";

/** A board item as GET /schemes/{schemeId}/decisions answers it, with only what a test sets changed. */
function item(
  id: string,
  decision: Decision,
  state: Partial<BoardItem["state"]> = {},
  values: Record<string, string> = { channel: id },
): BoardItem {
  return {
    id,
    schemeId: "channel",
    runId: "run-1",
    values,
    metrics: {
      revenue: 13_215_360.21,
      profit: 4_590_868.35,
      margin: 0.3474,
      costToServe: 1_122_936.78,
      customers: 1943,
      firstMonth: "2023-01",
      lastMonth: "2025-12",
      costToServeIntensity: 0.085,
      opportunity: 360_396.63,
    },
    profitClass: "niche",
    scores: { focus: 74.5, profitability: 70, growth: 100, defensibility: 55 },
    scoreComponents: {},
    decision,
    reasons: [
      { code: "niche", metric: "margin", value: 0.35, threshold: 0.18, message: "A profitable niche." },
      { code: "high_focus", metric: "focus", value: 74.5, threshold: 70, message: "Focus score 75." },
    ],
    guidance: "Say yes.",
    confidence: "high",
    projection: { npv: 6_431_894 },
    differentiators: [],
    state: { status: "recommended", decision, needsReview: false, ...state },
  };
}

function page(list: BoardPage["list"], items: BoardItem[], cursor?: string): BoardPage {
  return { list, items, ...(cursor !== undefined && { cursor }) };
}

describe("the board's columns", () => {
  it("are say yes, fix and say no, in that order, each from its own list", () => {
    const columns = boardColumns({
      no: [page("no", [item("retail", "decline")])],
      yes: [page("yes", [item("online", "choose"), item("distributor", "develop")])],
      fix: [page("fix", [])],
    });
    expect(columns.map((column) => [column.list, column.title])).toEqual([
      ["yes", "Say yes"],
      ["fix", "Fix"],
      ["no", "Say no"],
    ]);
    expect(columns.map((column) => column.cards.map((card) => card.segmentId))).toEqual([
      ["online", "distributor"],
      [],
      ["retail"],
    ]);
  });

  it("show a list not loaded yet as an empty column, not a missing one", () => {
    const columns = boardColumns({ yes: [page("yes", [item("online", "choose")])] });
    expect(columns.map((column) => column.cards.length)).toEqual([1, 0, 0]);
  });

  it("join the pages of a list in order, show a segment listed on two pages once, and keep the last page's cursor", () => {
    const [yes] = boardColumns({
      yes: [
        page("yes", [item("online", "choose"), item("distributor", "develop")], "page-2"),
        page("yes", [item("distributor", "develop"), item("field_sales", "choose")], "page-3"),
      ],
    });
    expect(yes?.cards.map((card) => card.segmentId)).toEqual(["online", "distributor", "field_sales"]);
    expect(yes?.cursor).toBe("page-3");
  });

  it("count each list in all as the scheme counts its decisions, and never fewer than the cards shown", () => {
    const totals = listTotals({ choose: 900, develop: 31, fix: 1086, decline: 365, insufficient_data: 2476 });
    expect(totals).toEqual({ yes: 931, fix: 1086, no: 365 });
    const columns = boardColumns(
      { yes: [page("yes", [item("online", "choose")], "page-2")] },
      { yes: 931, no: 0 },
    );
    expect(columns.map((column) => column.total)).toEqual([931, 0, 0]);
    const behind = boardColumns(
      { no: [page("no", [item("retail", "decline"), item("outlet", "decline")])] },
      { no: 1 },
    );
    expect(behind[2]?.total).toBe(2);
  });

  it("count a scheme with a decision missing from its counts as none of it", () => {
    expect(listTotals({ choose: 3 })).toEqual({ yes: 3, fix: 0, no: 0 });
  });

  it("have no cursor once the last page is loaded", () => {
    const [yes] = boardColumns({ yes: [page("yes", [item("online", "choose")], "page-2"), page("yes", [])] });
    expect(yes).not.toHaveProperty("cursor");
  });

  it("place each decision a leader can take on one column, and insufficient data on none", () => {
    expect(BOARD_COLUMNS.map((column) => column.list)).toEqual(["yes", "fix", "no"]);
    expect(
      (["choose", "develop", "fix", "decline", "insufficient_data"] as const).map((decision) =>
        columnOf(decision),
      ),
    ).toEqual(["yes", "yes", "fix", "no", undefined]);
  });
});

describe("a card of the board", () => {
  it("shows the segment's values, focus score, profit, margin and first reason", () => {
    const card = boardCard(item("online|west", "choose", {}, { channel: "online", region: "west" }));
    expect(card).toMatchObject({
      segmentId: "online|west",
      values: "channel: online · region: west",
      decision: "choose",
      decisionLabel: "Choose",
      focus: 74.5,
      profit: 4_590_868.35,
      margin: 0.3474,
      reason: "A profitable niche.",
      rationale: null,
    });
  });

  it("carries the scheme of its segment, under which a decision on it is recorded", () => {
    expect(boardCard({ ...item("online", "choose"), schemeId: "channel" }).schemeId).toBe("channel");
    expect(boardCard({ ...item("C-0042", "decline"), schemeId: "customer" }).schemeId).toBe("customer");
  });

  it("marks a recommendation of low confidence with the sentence that says why, and no other", () => {
    const uncertain = {
      code: "uncertain_npv",
      metric: "npvP10",
      value: -1_200,
      threshold: 0,
      message: "Its NPV could lie anywhere from -1,200 to 3,400 (P10 to P90).",
    };
    const low = item("online", "choose");
    const card = boardCard({ ...low, confidence: "low", reasons: [...low.reasons, uncertain] });
    expect(card.lowConfidence).toBe(uncertain.message);
    expect(boardCard({ ...low, confidence: "low" }).lowConfidence).toMatch(/straddles zero/);
    expect(boardCard(item("online", "choose")).lowConfidence).toBeNull();
  });

  it("has no reason when the decision carries none", () => {
    expect(boardCard({ ...item("online", "choose"), reasons: [] }).reason).toBeNull();
  });

  it("offers approval of a recommendation, and overrides to every other decision a leader can take", () => {
    const card = boardCard(item("retail", "decline"));
    expect(card.canApprove).toBe(true);
    expect(card.overrideChoices).toEqual(["choose", "develop", "fix"]);
  });

  it("offers no second approval of an approved recommendation, but still an override", () => {
    const card = boardCard(item("online", "choose", { status: "approved", by: "leader" }));
    expect(card.canApprove).toBe(false);
    expect(card.overrideChoices).toEqual(["develop", "fix", "decline"]);
  });

  it("offers approval again of an overridden segment, and of one that needs review", () => {
    expect(boardCard(item("retail", "decline", { status: "overridden", decision: "fix" })).canApprove).toBe(
      true,
    );
    expect(boardCard(item("online", "fix", { status: "approved", needsReview: true })).canApprove).toBe(true);
  });

  it("overrides an insufficient-data recommendation to any decision a leader can take", () => {
    expect(boardCard(item("tiny", "insufficient_data")).overrideChoices).toEqual([
      "choose",
      "develop",
      "fix",
      "decline",
    ]);
  });

  it("quotes the rationale of an override", () => {
    const card = boardCard(
      item("retail", "decline", { status: "overridden", decision: "fix", rationale: "Reprice first." }),
    );
    expect(card.rationale).toBe("Reprice first.");
  });
});

describe("the state of a decision, in words", () => {
  it("is Recommended while no leader has decided", () => {
    expect(decisionStateView(item("online", "choose"))).toEqual({
      kind: "recommended",
      label: "Recommended",
      detail: "Recommended: choose; no decision yet.",
    });
  });

  it("is Approved, with who and when, once a leader approved", () => {
    const view = decisionStateView(
      item("online", "choose", { status: "approved", by: "leader", at: "2026-11-22T20:37:37.757Z" }),
    );
    expect(view).toEqual({
      kind: "approved",
      label: "Approved",
      detail: "Approved as choose by leader on 2026-11-22.",
    });
  });

  it("is Overridden with the leader's decision, and the recommendation it replaced", () => {
    const view = decisionStateView(
      item("retail", "decline", {
        status: "overridden",
        decision: "fix",
        by: "leader",
        at: "2026-11-22T20:37:37.775Z",
      }),
    );
    expect(view).toEqual({
      kind: "overridden",
      label: "Overridden → fix",
      detail: "Overridden by leader on 2026-11-22: fix instead of decline.",
    });
  });

  it("is Needs review when a later run recommends something else, whatever the leader decided", () => {
    const approved = decisionStateView(
      item("online", "develop", { status: "approved", decision: "choose", needsReview: true, by: "leader" }),
    );
    expect(approved).toEqual({
      kind: "needs-review",
      label: "Needs review",
      detail: "Approved as choose by leader; the latest scores recommend develop.",
    });
    const overridden = decisionStateView(
      item("retail", "fix", { status: "overridden", decision: "choose", needsReview: true }),
    );
    expect(overridden.kind).toBe("needs-review");
    expect(overridden.detail).toBe("Overridden as choose; the latest scores recommend fix.");
  });
});
