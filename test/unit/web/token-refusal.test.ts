import { describe, expect, it } from "vitest";
import { tokenRefusal } from "#web/token-refusal.ts";

describe("a token refused on sign-in", () => {
  it("is refused, saying the API does not accept it, when the API answers 401", () => {
    expect(tokenRefusal(401, "this request needs a bearer token")).toMatch(
      /^The token was refused: the API does not accept it\b/,
    );
  });

  it("is refused, naming the roles that may read the board, when its role may not (403)", () => {
    expect(tokenRefusal(403, "only the roles planner, leader may do this")).toBe(
      "The token was refused: its role may not read the board (only the roles planner, leader may do this). Sign in with a planner's or a leader's token.",
    );
  });

  it("is not refused when the API could not be reached or failed: that says nothing against the token", () => {
    expect(tokenRefusal(0, "the API could not be reached: Failed to fetch")).toBe(undefined);
    expect(tokenRefusal(503, "the store timed out")).toBe(undefined);
    expect(tokenRefusal(500, "the API answered 500")).toBe(undefined);
  });
});
