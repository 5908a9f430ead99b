import { describe, expect, it } from "vitest";
import { backoff, withRetries } from "#cli/retry.ts";

class Transient extends Error {}

const isTransient = (error: unknown): error is Transient => error instanceof Transient;

/** A call that fails with the given errors in turn, then answers "done"; it records its tries. */
function scripted(failures: readonly Error[]) {
  const tries: Array<{ attempt: number; previous: string | undefined }> = [];
  const call = async (attempt: number, previous: Transient | undefined) => {
    tries.push({ attempt, previous: previous?.message });
    const failure = failures[attempt - 1];
    if (failure) throw failure;
    return "done";
  };
  return { call, tries };
}

function recordedWaits() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe("withRetries", () => {
  it("answers at the first try without waiting when the call succeeds", async () => {
    const { call, tries } = scripted([]);
    const { waits, sleep } = recordedWaits();
    await expect(withRetries(call, { attempts: 3, retryable: isTransient, sleep })).resolves.toBe("done");
    expect(tries).toEqual([{ attempt: 1, previous: undefined }]);
    expect(waits).toEqual([]);
  });

  it("tries again after a retryable failure, waiting 1 s then 2 s, and tells the call what failed before", async () => {
    const { call, tries } = scripted([new Transient("reset"), new Transient("busy")]);
    const { waits, sleep } = recordedWaits();
    await expect(withRetries(call, { attempts: 3, retryable: isTransient, sleep })).resolves.toBe("done");
    expect(tries).toEqual([
      { attempt: 1, previous: undefined },
      { attempt: 2, previous: "reset" },
      { attempt: 3, previous: "busy" },
    ]);
    expect(waits).toEqual([1000, 2000]);
  });

  it("throws the last failure as it is once the tries run out", async () => {
    const last = new Transient("still busy");
    const { call, tries } = scripted([new Transient("busy"), new Transient("busy"), last]);
    const { sleep } = recordedWaits();
    await expect(withRetries(call, { attempts: 3, retryable: isTransient, sleep })).rejects.toBe(last);
    expect(tries).toHaveLength(3);
  });

  it("throws a failure that is not retryable at once, without waiting", async () => {
    const refused = new Error("refused");
    const { call, tries } = scripted([refused]);
    const { waits, sleep } = recordedWaits();
    await expect(withRetries(call, { attempts: 3, retryable: isTransient, sleep })).rejects.toBe(refused);
    expect(tries).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("waits as the policy says, and reports each retry before its wait", async () => {
    const { call } = scripted([new Transient("a"), new Transient("b")]);
    const { waits, sleep } = recordedWaits();
    const reports: string[] = [];
    await withRetries(call, {
      attempts: 3,
      retryable: isTransient,
      delayMs: (attempt, failure) => (failure.message === "a" ? 30_000 : attempt * 10),
      onRetry: (failure, attempt, delayMs) => reports.push(`${attempt} ${failure.message} ${delayMs}`),
      sleep,
    });
    expect(waits).toEqual([30_000, 20]);
    expect(reports).toEqual(["1 a 30000", "2 b 20"]);
  });
});

describe("backoff", () => {
  it("doubles from one second", () => {
    expect([1, 2, 3, 4].map(backoff)).toEqual([1000, 2000, 4000, 8000]);
  });
});
