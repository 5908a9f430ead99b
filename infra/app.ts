import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { SegmentFocusStack } from "./segment-focus-stack.ts";

/** The CDK entry that cdk.json runs: one stack, environment-agnostic so that synth needs no account. */
const app = new App();
new SegmentFocusStack(app, "SegmentFocus", {
  description: "segment-focus: which market segments to say yes to and which to say no to",
});
// Every synth, and so every deploy, checks the AWS Solutions rules: a finding without an
// acknowledgement (and its reason) fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
