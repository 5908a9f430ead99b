import type * as z from "zod";
import { TABLE } from "#store/table-design.ts";

/** A stored item without the shape this service writes: which item, which field, what was expected. */
export class MalformedItemError extends Error {
  override readonly name = "MalformedItemError";
}

/** The item's key as the table design writes it, `pk / sk`, for messages. */
export function itemKey(item: Record<string, unknown>): string {
  return `${String(item[TABLE.partitionKey])} / ${String(item[TABLE.sortKey])}`;
}

/** The value read from the item at `key`, as the schema has it; `field` prefixes the paths of the refusal. */
export function parseStored<T>(schema: z.ZodType<T>, value: unknown, key: string, field?: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = [field, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".");
  throw new MalformedItemError(`stored item ${key}: ${path || "the item"}: ${issue?.message ?? "invalid"}`);
}

/** A JSON attribute of the item at `key` (e.g. `body`), parsed and then read with the schema. */
export function parseStoredJson<T>(schema: z.ZodType<T>, text: unknown, key: string, field: string): T {
  if (typeof text !== "string")
    throw new MalformedItemError(`stored item ${key}: ${field}: expected JSON text`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedItemError(`stored item ${key}: ${field}: not JSON`);
  }
  return parseStored(schema, value, key, field);
}
