#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx segfocus` works straight after `npm install`.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv);
