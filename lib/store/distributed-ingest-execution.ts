import { createHash } from "node:crypto";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  type ExecutionStatus,
  type SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { distributedIngestSizes } from "#pipeline/distributed/sizes.ts";
import { uploadIdentity } from "#pipeline/distributed/upload.ts";
import type { UploadedObject } from "#pipeline/ingest-batch.ts";
import { createSfnClient, endpointsFromEnvironment } from "#store/aws-clients.ts";
import { parseIncomingKey } from "#store/blob-store.ts";

/** The big-file path as the ingest function sees it: which uploads it takes, and how to start one. */
export interface DistributedIngest {
  /** An upload under incoming/{batchId}/ at least as large as the threshold. */
  takes(object: UploadedObject): boolean;
  start(object: UploadedObject): Promise<ExecutionStart>;
}

/**
 * The upload's execution: `started` when this call started it or found it running (StartExecution
 * answers both alike); otherwise it had ended already, with `status`.
 */
export type ExecutionStart =
  | { readonly executionArn: string; readonly started: true }
  | { readonly executionArn: string; readonly started: false; readonly status: ExecutionStatus | undefined };

/**
 * The Distributed Map state machine that SEGFOCUS_INGEST_STATE_MACHINE names, for uploads of at
 * least SEGFOCUS_DISTRIBUTED_INGEST_BYTES; undefined without one (the local stack, tests), where
 * every upload is ingested by the ingest function itself.
 */
export function distributedIngestFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  sfn: SFNClient = createSfnClient(endpointsFromEnvironment(env)),
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
 * Starts the state machine once per upload: the execution is named from the batch id and the
 * upload's identity (executionName), and its input is the upload and nothing else, so a redelivered
 * message sends the very same name and input. Step Functions answers that, while the execution
 * runs, with the running one (no second start), and once it has ended with ExecutionAlreadyExists:
 * then nothing starts either. An ended execution — succeeded, or failed past its retries, which
 * marked the batch failed — is not started again for the same upload: a new upload of the file,
 * with the same content or not, has an identity of its own and starts an execution of its own.
 */
async function startExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  object: UploadedObject,
): Promise<ExecutionStart> {
  const name = executionName(object);
  const { key, size, etag, versionId, sequencer } = object;
  const input = JSON.stringify({ object: { key, size, etag, versionId, sequencer } });
  try {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
    return { executionArn: executionArn ?? executionArnOf(stateMachineArn, name), started: true };
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists) && (error as Error).name !== "ExecutionAlreadyExists")
      throw error;
  }
  const executionArn = executionArnOf(stateMachineArn, name);
  const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return { executionArn, started: false, status };
}

/**
 * At most 80 characters of [A-Za-z0-9_-]: the batch id made safe and cut, then a digest of the
 * batch id and the upload's identity (its version id, or its entity tag and S3 sequencer) that
 * keeps it unique per upload.
 */
export function executionName(object: UploadedObject): string {
  const batchId = parseIncomingKey(object.key)?.batchId ?? "upload";
  const digest = createHash("sha256")
    .update(`${batchId}\n${uploadIdentity(object)}`)
    .digest("hex")
    .slice(0, 32);
  return `${batchId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-${digest}`;
}

function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
}
