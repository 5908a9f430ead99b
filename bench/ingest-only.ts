/** Ingests one file with the default schemes and nothing else: the reference for `segfocus score`. */
import { createReadStream } from "node:fs";
import { ingest } from "#ingest/ingest.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: ingest-only.ts FILE");
await ingest(createReadStream(file, { highWaterMark: 1 << 20 }), { file, now: new Date() });
