import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { AttributeType, BillingMode, ProjectionType, Table } from "aws-cdk-lib/aws-dynamodb";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  EventType,
  ObjectOwnership,
} from "aws-cdk-lib/aws-s3";
import { SqsDestination } from "aws-cdk-lib/aws-s3-notifications";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct, type IConstruct } from "constructs";
import { RangeKeys } from "#pipeline/distributed/part-storage.ts";
import { BlobKeys } from "#store/blob-store.ts";
import { TABLE } from "#store/table-design.ts";

/** The table actions of a batch's status record. */
export const BATCH_STATUS_ACTIONS = ["GetItem", "PutItem", "UpdateItem"];
/** The table actions of a function that reads and writes every kind of item. */
export const READ_WRITE_ACTIONS = [
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "BatchWriteItem",
];

export interface DataStoreProps {
  readonly deletionProtection: boolean;
  /** Told of every upload under incoming/. */
  readonly ingestQueue: IQueue;
  /** Told of every new partial and every rescore trigger. */
  readonly scoreQueue: IQueue;
}

/**
 * The bucket (uploads, partial cubes, snapshots, rejects; access-logged into a second bucket), which
 * announces new objects to the ingest and score queues, and the single table of
 * lib/store/table-design.ts; with the grants that give each function only the object prefixes and
 * table actions it uses.
 */
export class DataStore extends Construct {
  readonly bucket: Bucket;
  readonly table: Table;
  /** Where the functions find the bucket and the table. */
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: DataStoreProps) {
    super(scope, id);
    const accessLogs = new Bucket(this, "AccessLogs", {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: "expire-access-logs", expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new Bucket(this, "Data", {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "data/",
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // An upload's content lives on in its batch's partial cube; the raw file is kept a month to re-send or inspect.
        { id: "expire-incoming", prefix: BlobKeys.incomingPrefix, expiration: Duration.days(30) },
        { id: "expire-quarantine", prefix: BlobKeys.quarantinePrefix, expiration: Duration.days(90) },
        // Range results are needed only until their merge.
        { id: "expire-ranges", prefix: RangeKeys.prefix, expiration: Duration.days(2) },
        {
          id: "expire-old-versions",
          noncurrentVersionExpiration: Duration.days(30),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    this.table = new Table(this, "Table", {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE.listIndex.name,
      partitionKey: { name: TABLE.listIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.listIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    this.environment = { SEGFOCUS_BUCKET: this.bucket.bucketName, SEGFOCUS_TABLE: this.table.tableName };

    this.bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(props.ingestQueue), {
      prefix: BlobKeys.incomingPrefix,
    });
    for (const prefix of [BlobKeys.partialsPrefix, BlobKeys.triggersPrefix]) {
      this.bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(props.scoreQueue), {
        prefix,
      });
    }
    // CDK's own custom resource that configures the bucket's notifications, a singleton of the stack.
    for (const child of Stack.of(this).node.children.filter((node) =>
      node.node.id.startsWith("BucketNotificationsHandler"),
    )) {
      Validations.of(child).acknowledge({
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        reason:
          "CDK's bucket-notification custom resource logs through AWSLambdaBasicExecutionRole (logs:CreateLogGroup, CreateLogStream, PutLogEvents only); it runs at deploy time and touches no data.",
      });
    }
  }

  /**
   * Lets the grantee use `actions` on the objects at `keys`; a key ending in `*` is a prefix, whose
   * wildcard is acknowledged to cdk-nag on the grantee.
   */
  grantObjects(grantee: IGrantable & IConstruct, actions: string[], ...keys: string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions, resources: keys.map((key) => this.bucket.arnForObjects(key)) }),
    );
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    for (const key of keys.filter((candidate) => candidate.endsWith("*"))) {
      Validations.of(grantee).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${key}]`,
        reason: `Object keys under ${key.slice(0, -1)} are named at run time (batch ids, run ids): the grant is scoped to that one prefix of this bucket and to ${actions.join(", ")}, the narrowest S3 allows.`,
      });
    }
  }

  /** Lets the grantee list the bucket's keys, under the given prefixes only when there are any. */
  grantListing(grantee: IGrantable, ...prefixes: string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ["s3:ListBucket"],
        resources: [this.bucket.bucketArn],
        conditions:
          prefixes.length === 0
            ? undefined
            : { StringLike: { "s3:prefix": prefixes.map((prefix) => `${prefix}*`) } },
      }),
    );
  }

  /** Lets the grantee use the table `actions` (named without `dynamodb:`), on the list index too with `withListIndex`. */
  grantItems(grantee: IGrantable, actions: string[], { withListIndex = false } = {}): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: withListIndex
          ? [this.table.tableArn, `${this.table.tableArn}/index/${TABLE.listIndex.name}`]
          : [this.table.tableArn],
      }),
    );
  }
}
