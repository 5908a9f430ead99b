/** Tries of one request or upload before giving up: the first and two retries. */
export const ATTEMPTS = 3;

/** Answers worth asking again: the server or something between was busy or failing, not the request. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** fetch reports every network failure as "fetch failed"; the reason is in its cause. */
export function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
