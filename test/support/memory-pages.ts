import type { Page } from "#store/records.ts";
import { InvalidCursorError, type PageRequest } from "#store/score-repository.ts";

/** A page of an in-memory list: a slice, its cursor the next offset; a cursor that is not one is refused. */
export function pageOf<T>(items: readonly T[], page: PageRequest): Page<T> {
  let start = 0;
  if (page.cursor !== undefined) {
    start = Number(page.cursor);
    if (!/^[0-9]+$/.test(page.cursor) || start > items.length) throw new InvalidCursorError("not a cursor");
  }
  const end = start + page.limit;
  return { items: items.slice(start, end), cursor: end < items.length ? String(end) : undefined };
}
