import { App } from "aws-cdk-lib";
import { SegmentFocusStack } from "./segment-focus-stack.ts";

/** The CDK entry that cdk.json runs: one stack, environment-agnostic so that synth needs no account. */
const app = new App();
new SegmentFocusStack(app, "SegmentFocus", {
  description: "segment-focus: which market segments to say yes to and which to say no to",
});
app.synth();
