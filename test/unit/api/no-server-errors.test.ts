import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { apiRoutes } from "#api/routes.ts";
import { DEFAULT_POLICY } from "#domain/policy.ts";
import { scoreCube } from "#domain/scoring.ts";
import { channelFixtureSales } from "#test-support/channel-fixture.ts";
import { MemoryBlobStore } from "#test-support/memory-blobs.ts";
import { MemoryScoreRepository } from "#test-support/memory-scores.ts";
import { salesCube } from "#test-support/segment-sales.ts";
import { apiEvent, lambdaContext, memoryApi, TOKENS } from "./api-harness.ts";

/**
 * Nothing a client sends makes the API answer 5xx: any route template filled with any text, any method,
 * any query, any body, with or without a token of any role, gets a 2xx, 3xx or 4xx with the JSON
 * error shape — never a crash.
 */
const RESULT = scoreCube(salesCube(channelFixtureSales()), DEFAULT_POLICY);

// The leadership page is built, as where the API runs: a page not built (503) is the server's state, not the client's doing.
const webDir = mkdtempSync(join(tmpdir(), "segfocus-no-5xx-page-"));
writeFileSync(join(webDir, "index.html"), "<!doctype html><title>board</title><body></body>");
vi.stubEnv("SEGFOCUS_WEB_DIR", webDir);
afterAll(() => rmSync(webDir, { recursive: true, force: true }));

const { handler } = memoryApi({
  scores: MemoryScoreRepository.withScores(RESULT, "run-1"),
  blobs: new MemoryBlobStore(),
});

const pathText = fc.oneof(
  fc.constantFrom(
    "channel",
    "customer",
    "direct",
    "online",
    "b-1",
    "x%7Cy",
    "%",
    "%E0%A4%A",
    "..",
    "a b",
    "__proto__",
  ),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.string({ unit: "binary", maxLength: 12 }).map(encodeURIComponent),
);

const request = fc.record({
  template: fc.constantFrom(
    ...apiRoutes.map((route) => route.path),
    "/nowhere",
    "/schemes/{a}/{b}/{c}/{d}/{e}",
  ),
  parts: fc.array(pathText, { minLength: 6, maxLength: 6 }),
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
  query: fc.dictionary(
    fc.constantFrom(
      "limit",
      "cursor",
      "list",
      "format",
      "sort",
      "order",
      "decision",
      "dim.channel",
      "minRevenue",
      "top",
      "fileName",
      "x",
    ),
    fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("-1", "0", "501", "1e309", "NaN", "csv", "yes")),
  ),
  body: fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 50 }), fc.constant('{"action":"override"}')), {
    nil: undefined,
  }),
  who: fc.constantFrom(undefined, "ingest", "planner", "leader", "noRole"),
});

describe("the API under arbitrary requests", () => {
  it("never answers with a server error, and every error is the JSON error shape", async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ template, parts, method, query, body, who }) => {
        let i = 0;
        const path = template.replace(/\{[^}]+\}/g, () => parts[i++ % parts.length] as string);
        const search = new URLSearchParams(query).toString();
        const event = apiEvent({
          method,
          path: search ? `${path}?${search}` : path,
          claims: who === undefined ? undefined : TOKENS[who as keyof typeof TOKENS],
          body,
        });
        const answer = await handler(event, lambdaContext());
        expect(answer.statusCode, `${method} ${path}?${search}`).toBeLessThan(500);
        if ((answer.statusCode ?? 200) >= 400) {
          expect(JSON.parse(answer.body ?? "")).toMatchObject({
            error: { code: expect.any(String), message: expect.any(String) },
          });
        }
      }),
      { numRuns: 400 },
    );
  });
});
