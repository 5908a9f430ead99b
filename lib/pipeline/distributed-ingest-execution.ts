import { createHash } from "node:crypto";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  type ExecutionStatus,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { distributedIngestSizes } from "#pipeline/distributed-ingest.ts";
import type { UploadedObject } from "#pipeline/ingest-batch.ts";
import { parseIncomingKey } from "#store/blob-store.ts";

/** How many executions one content may get: the first, and one more each time the one before failed. */
const MAX_ATTEMPTS = 5;
/** An execution that is still going or went well: the upload needs no other. */
const SETTLED: ReadonlySet<ExecutionStatus | undefined> = new Set<ExecutionStatus | undefined>([
  "RUNNING",
  "SUCCEEDED",
  "PENDING_REDRIVE",
]);

/** The big-file path as the ingest function sees it: which uploads it takes, and how to start one. */
export interface DistributedIngest {
  /** An upload under incoming/{batchId}/ at least as large as the threshold. */
  takes(object: UploadedObject): boolean;
  start(object: UploadedObject): Promise<{ readonly executionArn: string; readonly started: boolean }>;
}

/**
 * The Distributed Map state machine that SEGFOCUS_INGEST_STATE_MACHINE names, for uploads of at
 * least SEGFOCUS_DISTRIBUTED_INGEST_BYTES; undefined without one (the local stack, tests), where
 * every upload is ingested by the ingest function itself.
 */
export function distributedIngestFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  sfn: SFNClient = new SFNClient({ maxAttempts: 5 }),
): DistributedIngest | undefined {
  const stateMachineArn = env.SEGFOCUS_INGEST_STATE_MACHINE;
  if (!stateMachineArn) return undefined;
  const { thresholdBytes } = distributedIngestSizes(env);
  return {
    takes: (object) => object.size >= thresholdBytes && parseIncomingKey(object.key) !== undefined,
    start: (object) => startExecution(sfn, stateMachineArn, object),
  };
}

/**
 * Starts the state machine for an upload once per content: executions are named from the batch id
 * and the entity tag, so a redelivered message finds its execution (ExecutionAlreadyExists) and
 * starts none. Only when that execution failed (a fault past its retries; a bad file ends in a
 * succeeded execution that failed the batch) does the same content, sent again, get a next one.
 */
async function startExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  object: UploadedObject,
): Promise<{ executionArn: string; started: boolean }> {
  const base = executionName(object);
  // The upload and nothing else (not the SQS message id): a redelivery sends the very same input.
  const input = JSON.stringify({ object: { key: object.key, size: object.size, etag: object.etag } });
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const name = attempt === 1 ? base : `${base}-${attempt}`;
    try {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
      return { executionArn: executionArn ?? executionArnOf(stateMachineArn, name), started: true };
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists) && (error as Error).name !== "ExecutionAlreadyExists")
        throw error;
    }
    const executionArn = executionArnOf(stateMachineArn, name);
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (SETTLED.has(status)) return { executionArn, started: false };
  }
  throw new Error(
    `${object.key}: the last ${MAX_ATTEMPTS} executions for this content failed; see the state machine's failed executions`,
  );
}

/** At most 80 characters of [A-Za-z0-9_-]: the batch id made safe and cut, then a digest that keeps it unique. */
export function executionName(object: UploadedObject): string {
  const batchId = parseIncomingKey(object.key)?.batchId ?? "upload";
  const digest = createHash("sha256").update(`${batchId}\n${object.etag}`).digest("hex").slice(0, 32);
  return `${batchId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-${digest}`;
}

function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
}
