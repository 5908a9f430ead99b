import { Logger } from "@aws-lambda-powertools/logger";
import { contextFromEnvironment } from "#pipeline/context-from-environment.ts";
import { runScoring } from "#pipeline/score-run.ts";
import type { RunRecord } from "#store/records.ts";

const logger = new Logger({ serviceName: "segment-focus-score" });
const context = contextFromEnvironment();

/** After a batch is aggregated (or the policy changes): merge all partials, score, store what changed. */
export async function handler(): Promise<RunRecord> {
  const run = await runScoring(context);
  logger.info("scoring run finished", { ...run });
  return run;
}
