import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, vi } from "vitest";
import { FakeTable } from "../store/fake-table.ts";
import { FakeBucket } from "./fake-bucket.ts";
import { stubFunctionEnvironment } from "./function-environment.ts";

// biome-ignore lint/suspicious/noExplicitAny: any handler's event and result
type AnyHandler = (...args: any[]) => any;

interface FakeAwsOptions {
  readonly bucket?: ConstructorParameters<typeof FakeBucket>[0];
  /** Variables the function reads besides its stores and region. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A function's handler on the bucket and table in memory, behind the SDK clients mocked for the whole
 * file: the module is imported once with the function environment (it builds its stores then), and
 * each test starts from an empty bucket and table. Call in a test file's top level.
 */
export function handlerOnFakeAws<H extends AnyHandler>(
  load: () => Promise<{ readonly handler: H }>,
  { bucket: bucketOptions = {}, environment = {} }: FakeAwsOptions = {},
) {
  const aws = {
    s3: mockClient(S3Client),
    dynamo: mockClient(DynamoDBDocumentClient),
    bucket: new FakeBucket(bucketOptions),
    table: new FakeTable(),
  };
  let loaded: H | undefined;

  beforeAll(async () => {
    stubFunctionEnvironment();
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
    ({ handler: loaded } = await load());
  });

  beforeEach(() => {
    aws.s3.reset();
    aws.dynamo.reset();
    aws.bucket = new FakeBucket(bucketOptions).attach(aws.s3);
    aws.table = new FakeTable().attach(aws.dynamo);
  });

  const handler = ((...args: Parameters<H>) => {
    if (!loaded) throw new Error("the handler is imported before the tests run");
    return loaded(...args);
  }) as H;
  return { aws, handler };
}
