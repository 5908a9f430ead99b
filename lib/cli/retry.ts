import { setTimeout as sleep } from "node:timers/promises";

/** How a call that failed for a passing reason is tried again. */
export interface RetryPolicy<Failure> {
  /** Tries in all, the first one included. */
  readonly attempts: number;
  /** The failures worth trying again; any other is thrown at once. */
  readonly retryable: (error: unknown) => error is Failure;
  /** How long to wait after the failed try `attempt` (from 1); exponential backoff by default. */
  readonly delayMs?: (attempt: number, failure: NoInfer<Failure>) => number;
  /** Told of each failure that will be tried again, before the wait. */
  readonly onRetry?: (failure: NoInfer<Failure>, attempt: number, delayMs: number) => void;
  /** Waits; replaced in tests. */
  readonly sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Makes the call until it succeeds, it fails in a way that is not retryable, or the tries run out;
 * then throws its last failure as it is. The call learns which try it is and what failed before it.
 */
export async function withRetries<T, Failure>(
  call: (attempt: number, previousFailure: NoInfer<Failure> | undefined) => Promise<T>,
  policy: RetryPolicy<Failure>,
): Promise<T> {
  const wait = policy.sleep ?? sleep;
  let previousFailure: Failure | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt, previousFailure);
    } catch (error) {
      if (!policy.retryable(error) || attempt >= policy.attempts) throw error;
      const delay = policy.delayMs?.(attempt, error) ?? backoff(attempt);
      policy.onRetry?.(error, attempt, delay);
      await wait(delay);
      previousFailure = error;
    }
  }
}

/** 1 s, then 2 s, then 4 s: long enough for a dropped connection or a busy server to recover. */
export function backoff(attempt: number): number {
  return 1000 * 2 ** (attempt - 1);
}
