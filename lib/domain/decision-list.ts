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
