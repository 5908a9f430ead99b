import { afterEach, describe, expect, it, vi } from "vitest";
import { lambdaHandler, observabilityFor } from "#functions/observability.ts";
import { invocationContext } from "./lambda-context.ts";

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** The JSON lines a call writes to stdout, where Lambda's log lines go. */
async function linesWritten(call: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const written: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  await call();
  vi.mocked(process.stdout.write).mockRestore();
  return written
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("lambdaHandler", () => {
  it("puts each invocation's request id on its log lines, and not on the next one's", async () => {
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "INFO");
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
    const observability = observabilityFor("segment-focus-test");
    const handler = lambdaHandler(observability, async (event: { batchId: string }) => {
      observability.logger.info("batch seen", { batchId: event.batchId });
      return event.batchId;
    });

    const first = await linesWritten(() =>
      handler({ batchId: "b-1" }, invocationContext("segment-focus-score", "request-1")),
    );
    const second = await linesWritten(() =>
      handler({ batchId: "b-2" }, invocationContext("segment-focus-score", "request-2")),
    );

    expect(first.find((line) => line.message === "batch seen")).toMatchObject({
      batchId: "b-1",
      function_request_id: "request-1",
      service: "segment-focus-test",
    });
    expect(second.find((line) => line.message === "batch seen")).toMatchObject({
      batchId: "b-2",
      function_request_id: "request-2",
    });
  });

  it("returns what the business call returns, also when called without a Lambda context", async () => {
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
    const handler = lambdaHandler(observabilityFor("segment-focus-test"), async (event: number) => event * 2);

    expect(await handler(21)).toBe(42);
  });
});
