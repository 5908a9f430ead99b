/**
 * The steps of the big-file path live in lib/pipeline/distributed/. The CDK stack still imports its
 * sizes and range keys from here; once it imports them from there, this file goes.
 */
export { RangeKeys } from "#pipeline/distributed/part-storage.ts";
export { DISTRIBUTED_INGEST_BYTES, RANGE_BYTES } from "#pipeline/distributed/sizes.ts";
