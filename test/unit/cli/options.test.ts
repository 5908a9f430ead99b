import { describe, expect, it } from "vitest";
import * as z from "zod";
import { parseOptions } from "#cli/options.ts";

const schema = z.object({
  batchId: z.string().regex(/^[a-z]+$/, "expected lower-case letters"),
  timeout: z.string().transform(Number).pipe(z.number().min(1, "expected at least 1 second")),
  scheme: z.array(z.string().min(1, "expected dimension names")),
});

describe("parseOptions", () => {
  it("answers the options as the schema types them", () => {
    expect(parseOptions(schema, { batchId: "nightly", timeout: "600", scheme: ["channel"] })).toEqual({
      batchId: "nightly",
      timeout: 600,
      scheme: ["channel"],
    });
  });

  it("names each wrong option by its flag, one line each", () => {
    expect(() => parseOptions(schema, { batchId: "Nightly", timeout: "0", scheme: ["channel", ""] })).toThrow(
      "--batch-id: expected lower-case letters\n--timeout: expected at least 1 second\n--scheme: expected dimension names",
    );
  });
});
