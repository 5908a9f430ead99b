import { vi } from "vitest";

/** What a function module reads from the environment when it is imported: its stores and region; logs and metrics kept quiet. */
export function stubFunctionEnvironment(): void {
  vi.stubEnv("SEGFOCUS_BUCKET", "segfocus-test");
  vi.stubEnv("SEGFOCUS_TABLE", "segfocus-test");
  vi.stubEnv("AWS_REGION", "eu-west-1");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "SILENT");
  vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
}
