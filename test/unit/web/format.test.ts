import { describe, expect, it } from "vitest";
import {
  formatAmount,
  formatComponentValue,
  formatInstant,
  formatScore,
  formatShare,
  humanName,
} from "#web/format.ts";

describe("the page's numbers", () => {
  it("shortens large amounts and keeps small ones whole, losses with their sign", () => {
    expect(formatAmount(13_215_360.21)).toBe("13.2M");
    expect(formatAmount(-2_349_193.35)).toBe("-2.3M");
    expect(formatAmount(739_092.26)).toBe("739.1K");
    expect(formatAmount(8421.5)).toBe("8,422");
    expect(formatAmount(0)).toBe("0");
    expect(formatAmount(Number.NaN)).toBe("–");
  });

  it("shows shares as percentages with one decimal, and a missing share as a dash", () => {
    expect(formatShare(0.34738881703172275)).toBe("34.7%");
    expect(formatShare(-0.0457)).toBe("-4.6%");
    expect(formatShare(1)).toBe("100%");
    expect(formatShare(null)).toBe("–");
  });

  it("shows scores out of 100 with at most one decimal", () => {
    expect(formatScore(74.5)).toBe("74.5");
    expect(formatScore(41.25)).toBe("41.3");
    expect(formatScore(70)).toBe("70");
  });

  it("shows a score component's ratio with two decimals and its amount short; anything else as a dash", () => {
    expect(formatComponentValue(0.9245)).toBe("0.92");
    expect(formatComponentValue(4_590_868.35)).toBe("4.6M");
    expect(formatComponentValue(null)).toBe("–");
    expect(formatComponentValue("n/a")).toBe("–");
  });

  it("shows an instant to the minute, in UTC", () => {
    expect(formatInstant("2026-11-22T20:37:37.757Z")).toBe("2026-11-22 20:37 UTC");
  });

  it("turns field names into words", () => {
    expect(humanName("payment_terms")).toBe("payment terms");
    expect(humanName("priceRealization")).toBe("price realization");
    expect(humanName("peak")).toBe("peak");
  });
});
