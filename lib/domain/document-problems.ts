import type * as z from "zod";

/**
 * Why zod refused one part of a document. zod reports a refused record key only as "Invalid key in
 * record"; the reason it was refused is inside.
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  return issue.code === "invalid_key" ? issue.issues.map((inner) => inner.message).join("; ") : issue.message;
}

/** Each problem of a refused document as `path: why`, the path "(root)" for the document itself. */
export function documentProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issueMessage(issue)}`);
}
