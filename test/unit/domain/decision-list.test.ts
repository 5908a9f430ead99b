import { describe, expect, it } from "vitest";
import { decisionList, listCounts } from "#domain/decision-list.ts";
import { DECISIONS } from "#domain/decisions.ts";

describe("decisionList", () => {
  it("puts choose and develop on the say-yes list", () => {
    expect(decisionList("choose")).toBe("yes");
    expect(decisionList("develop")).toBe("yes");
  });

  it("puts fix on the fix list and decline on the say-no list", () => {
    expect(decisionList("fix")).toBe("fix");
    expect(decisionList("decline")).toBe("no");
  });

  it("keeps insufficient data off the three lists of the board", () => {
    expect(decisionList("insufficient_data")).toBe("insufficient");
  });

  it("gives every decision exactly one list", () => {
    expect(DECISIONS.map(decisionList)).toEqual(["yes", "yes", "fix", "no", "insufficient"]);
  });
});

describe("listCounts", () => {
  it("adds a scheme's decision counts up by list, counting a decision left out as none", () => {
    expect(listCounts({ choose: 3, develop: 2, fix: 4, insufficient_data: 7 })).toEqual({
      yes: 5,
      fix: 4,
      no: 0,
      insufficient: 7,
    });
  });
});
