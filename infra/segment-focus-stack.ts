import { Stack } from "aws-cdk-lib";

/** The production system. Its resources arrive with the cloud stack ("Where it stands" in the README). */
export class SegmentFocusStack extends Stack {}
