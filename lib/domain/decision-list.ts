import type { Decision } from "#domain/decisions.ts";

/**
 * Which list of leadership's board a decision belongs to. Only a type import, so that the page can
 * use the same rule without bundling any of the server.
 */
export type DecisionList = "yes" | "fix" | "no" | "insufficient";

/** Say yes to what to choose or develop, fix what to fix, say no to what to decline. */
export function decisionList(decision: Decision): DecisionList {
  switch (decision) {
    case "choose":
    case "develop":
      return "yes";
    case "fix":
      return "fix";
    case "decline":
      return "no";
    case "insufficient_data":
      return "insufficient";
  }
}

/** How many segments each list holds, from a scheme's count of each decision. */
export function listCounts(
  decisions: Readonly<Partial<Record<Decision, number>>>,
): Record<DecisionList, number> {
  const counts: Record<DecisionList, number> = { yes: 0, fix: 0, no: 0, insufficient: 0 };
  for (const [decision, count] of Object.entries(decisions) as [Decision, number | undefined][]) {
    counts[decisionList(decision)] += count ?? 0;
  }
  return counts;
}
