import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatestRequest } from "#web/latest-request.ts";

describe("the latest request of a kind", () => {
  it("tags each request with what it asked for and its number", () => {
    const loads = new LatestRequest<string>();
    expect(loads.tag("channel")).toEqual({ subject: "channel", number: 1 });
    expect(loads.tag("customer")).toEqual({ subject: "customer", number: 2 });
  });

  it("wants the answer of the latest request only: a scheme picked since makes the earlier answer stale", () => {
    const loads = new LatestRequest<string>();
    const customer = loads.tag("customer");
    const channel = loads.tag("channel");
    expect(loads.isLatest(customer)).toBe(false);
    expect(loads.isLatest(channel)).toBe(true);
  });

  it("tells apart two loads of the same scheme: a scheme picked away and back is a new load", () => {
    const loads = new LatestRequest<string>();
    const first = loads.tag("channel");
    loads.tag("customer");
    const again = loads.tag("channel");
    expect(loads.isLatest(first)).toBe(false);
    expect(loads.isLatest(again)).toBe(true);
  });

  it("wants no answer at all once cancelled (a dialog closed, a session signed out), until the next request", () => {
    const details = new LatestRequest<string>();
    const open = details.tag("online");
    details.cancel();
    expect(details.isLatest(open)).toBe(false);
    const next = details.tag("retail");
    expect(details.isLatest(next)).toBe(true);
    expect(details.isLatest(open)).toBe(false);
  });

  it("does not confuse the tags of two kinds of request", () => {
    const loads = new LatestRequest<string>();
    const details = new LatestRequest<string>();
    const load = loads.tag("channel");
    details.tag("online");
    details.tag("retail");
    expect(loads.isLatest(load)).toBe(true);
  });

  it("wants exactly the last of any sequence of requests, whatever order their answers arrive in", () => {
    const requestsAndArrival = fc
      .array(fc.constantFrom("channel", "customer", "region"), { minLength: 1, maxLength: 20 })
      .chain((schemes) =>
        fc.tuple(
          fc.constant(schemes),
          fc.shuffledSubarray([...schemes.keys()], { minLength: schemes.length, maxLength: schemes.length }),
        ),
      );
    fc.assert(
      fc.property(requestsAndArrival, ([schemes, arrival]) => {
        const loads = new LatestRequest<string>();
        const tags = schemes.map((scheme) => loads.tag(scheme));
        const drawn = arrival.map((index) => tags[index]).filter((tag) => tag && loads.isLatest(tag));
        expect(drawn).toEqual([tags.at(-1)]);
      }),
    );
  });
});
