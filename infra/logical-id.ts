import { createHash } from "node:crypto";

/**
 * The CloudFormation logical ID CDK gives the element at `path` (construct ids below the stack), by
 * the rules documented on `Stack.allocateLogicalId`: the ids joined, then the first 8 hex digits of
 * the MD5 of the path; a top-level element keeps its bare id, "Default" is left out, "Resource" is
 * left out of the readable part, and an id that the last one kept ends with is not repeated.
 */
export function logicalIdAt(path: readonly string[]): string {
  const ids = path.filter((id) => id !== "Default");
  const [only] = ids;
  if (ids.length === 1 && only !== undefined && alphanumeric(only).length <= 255) return alphanumeric(only);
  const hash = createHash("md5").update(ids.join("/")).digest("hex").slice(0, 8).toUpperCase();
  const kept: string[] = [];
  for (const id of ids) if (!kept.at(-1)?.endsWith(id)) kept.push(id);
  const readable = kept
    .filter((id) => id !== "Resource")
    .map(alphanumeric)
    .join("")
    .slice(0, 240);
  return readable + hash;
}

function alphanumeric(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, "");
}
