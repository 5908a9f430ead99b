#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx segfocus` works straight after `npm install`.
import { register } from "tsx/esm/api";

// The AWS SDK warns on Node 20 about releases it has not made yet; the versions here are pinned.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv);
