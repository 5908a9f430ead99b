import { Command, Option } from "commander";
import { listCounts } from "#domain/decision-list.ts";
import type { LocalStack } from "#local/local-stack.ts";
import type { ScoreRepository } from "#store/score-repository.ts";

interface StartOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly sample: boolean;
}

/** `segfocus start`: the whole service on this machine, on embedded AWS stand-ins, with sample data. */
export function startCommand(): Command {
  return new Command("start")
    .description(
      "Run segment-focus locally: embedded DynamoDB and S3, the API, and ingest → score on upload.",
    )
    .addOption(new Option("--port <port>", "port of the HTTP API").default(3000).argParser(parsePort))
    .option("--data-dir <dir>", "where the local data is kept (a restart keeps it)", ".segfocus")
    .option("--no-sample", "do not load the generated sample batch on first start")
    .action(async (options: StartOptions) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      // Loaded here, not at the top: the embedded stack (dynalite, s3rver, the API) would otherwise
      // add most of a second to every other command's start-up.
      const { startLocalStack } = await import("#local/local-stack.ts");
      const stack = await startLocalStack({
        port: options.port,
        dataDir: options.dataDir,
        sample: options.sample,
        log,
      });
      process.stdout.write(`${await banner(stack, options.dataDir)}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stderr.write("stopping…\n");
          stack.close().then(resolve, resolve);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: expected a port number, got "${value}"`);
  return port;
}

async function banner(stack: LocalStack, dataDir: string): Promise<string> {
  const lines = [
    "",
    "segment-focus is running on this machine.",
    `  API        ${stack.url}`,
    ...(stack.pageUrl
      ? [
          `  page       ${stack.pageUrl}  (the leadership board; sign-in pre-filled with the local leader token)`,
        ]
      : []),
    `  S3         ${stack.s3Endpoint}  (s3rver, bucket segment-focus)`,
    `  DynamoDB   ${stack.dynamoDbEndpoint}  (dynalite, table segment-focus)`,
    `  data       ${dataDir}/  (kept across restarts)`,
    "",
    "Local tokens (Authorization: Bearer <token>):",
    `  ingest   ${stack.tokens.ingest.padEnd(14)} the ERP: POST /batches, then PUT the file to the upload URL`,
    `  planner  ${stack.tokens.planner.padEnd(14)} scores, segments, decision lists`,
    `  leader   ${stack.tokens.leader.padEnd(14)} all a planner can, and decisions`,
    "",
    ...(await decisionSummary(stack.context.scores)),
    "",
    "Try:",
    `  curl -s -H "Authorization: Bearer ${stack.tokens.planner}" ${stack.url}/schemes`,
    `  curl -s -H "Authorization: Bearer ${stack.tokens.planner}" "${stack.url}/schemes/channel/decisions?list=fix"`,
    `  curl -s -H "Authorization: Bearer ${stack.tokens.planner}" ${stack.url}/schemes/channel/forecast-accuracy`,
    "",
    "Press Ctrl-C to stop.",
  ];
  return lines.join("\n");
}

/** Per scheme: how many segments to say yes to, fix, and say no to, with the first few of each. */
async function decisionSummary(scores: ScoreRepository): Promise<string[]> {
  const schemes = await scores.listSchemes();
  if (schemes.length === 0)
    return ["No scores yet: push a batch (see the README) or restart without --no-sample."];
  const lines = ["Say yes / say no, from the latest scoring run:"];
  for (const scheme of schemes.sort((a, b) => a.segmentCount - b.segmentCount)) {
    const names = async (list: "yes" | "no") =>
      (await scores.listDecisions(scheme.id, list, { limit: 3 })).items
        .map((segment) => segment.id)
        .join(", ");
    const { yes, fix, no } = listCounts(scheme.decisions);
    lines.push(
      `  ${scheme.id.padEnd(14)} yes ${String(yes).padStart(4)}${yes > 0 ? ` (${await names("yes")}${yes > 3 ? ", …" : ""})` : ""} · fix ${fix} · no ${no}${no > 0 ? ` (${await names("no")}${no > 3 ? ", …" : ""})` : ""}`,
    );
  }
  return lines;
}
