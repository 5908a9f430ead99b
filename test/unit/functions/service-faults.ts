import { InternalServerError, ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { S3ServiceException } from "@aws-sdk/client-s3";

/** The errors the SDK raises once its own retries are spent, as the services send them. */
export const slowDown = () =>
  new S3ServiceException({
    name: "SlowDown",
    $fault: "server",
    message: "Please reduce your request rate.",
    $metadata: { httpStatusCode: 503, attempts: 5 },
  });

export const throughputExceeded = () =>
  new ProvisionedThroughputExceededException({
    message: "The level of configured provisioned throughput for the table was exceeded.",
    $metadata: { httpStatusCode: 400, attempts: 5 },
  });

export const internalServerError = () =>
  new InternalServerError({
    message: "Internal server error",
    $metadata: { httpStatusCode: 500, attempts: 5 },
  });

/** A batch a service fault failed: its status, and an error that says sending it again may work. */
export const FAILED_RETRYABLE = { status: "failed", error: { code: "SERVICE_ERROR", retryable: true } };
