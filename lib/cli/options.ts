import type * as z from "zod";

/**
 * Commander hands every option over as text: the command's schema checks and types them all, and
 * each problem becomes a line naming its flag, such as `--batch-id: a batch id is 1 to 128 letters…`.
 */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, options: unknown): z.output<Schema> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  throw new Error(parsed.error.issues.map((issue) => `${flagOf(issue.path)}: ${issue.message}`).join("\n"));
}

/** Commander's `batchId` is the user's `--batch-id`. */
function flagOf(path: readonly PropertyKey[]): string {
  return `--${String(path[0] ?? "").replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** Commander's collector for a flag that may be given again: `--scheme a --scheme b` → ["a", "b"]. */
export function repeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}
