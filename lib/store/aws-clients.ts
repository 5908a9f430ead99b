import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * Where the AWS services are. In AWS both endpoints are absent and the SDK's defaults apply; locally
 * they point at the embedded servers (s3rver, dynalite) on loopback.
 */
export interface AwsEndpoints {
  readonly region: string;
  readonly s3Endpoint?: string;
  readonly dynamoDbEndpoint?: string;
}

export function endpointsFromEnvironment(env: NodeJS.ProcessEnv = process.env): AwsEndpoints {
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    s3Endpoint: env.SEGFOCUS_S3_ENDPOINT || undefined,
    dynamoDbEndpoint: env.SEGFOCUS_DYNAMODB_ENDPOINT || undefined,
  };
}

/** The credentials s3rver accepts (it checks signatures against this fixed pair). */
const LOCAL_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const LOCAL_DYNAMODB_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * The one S3 client factory. Against a local endpoint: path-style addressing, and checksums only
 * when required — s3rver would otherwise store streamed uploads with the aws-chunked framing inside
 * the object.
 */
export function createS3Client(endpoints: AwsEndpoints): S3Client {
  if (!endpoints.s3Endpoint) return new S3Client({ region: endpoints.region, maxAttempts: 5 });
  return new S3Client({
    region: endpoints.region,
    endpoint: endpoints.s3Endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    credentials: LOCAL_S3_CREDENTIALS,
    maxAttempts: 5,
  });
}

export function createDynamoDbClient(endpoints: AwsEndpoints): DynamoDBDocumentClient {
  const client = endpoints.dynamoDbEndpoint
    ? new DynamoDBClient({
        region: endpoints.region,
        endpoint: endpoints.dynamoDbEndpoint,
        credentials: LOCAL_DYNAMODB_CREDENTIALS,
        maxAttempts: 5,
      })
    : new DynamoDBClient({ region: endpoints.region, maxAttempts: 5 });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Step Functions, in AWS only: the local stack runs the Distributed Map's steps on worker threads. */
export function createSfnClient(endpoints: AwsEndpoints): SFNClient {
  return new SFNClient({ region: endpoints.region, maxAttempts: 5 });
}
