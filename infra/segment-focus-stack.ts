import { Stack } from "aws-cdk-lib";

/** The production system. Its resources arrive with the serverless runtime (see the README's roadmap). */
export class SegmentFocusStack extends Stack {}
