import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { byteProgress } from "#cli/progress.ts";

/** A progress whose clock the test moves, and everything it wrote. */
function watched(totalBytes: number, terminal = false) {
  let clock = 0;
  const written: string[] = [];
  const progress = byteProgress("reading x.csv", totalBytes, {
    write: (line) => written.push(line),
    terminal,
    now: () => clock,
  });
  const elapse = (ms: number, bytes: number) => {
    clock += ms;
    progress.advance(bytes);
  };
  return { progress, written, elapse };
}

describe("byteProgress", () => {
  it("stays quiet for work done within a second, closing line included", () => {
    const { progress, written, elapse } = watched(3_000_000);
    elapse(400, 1_000_000);
    elapse(400, 2_000_000);
    progress.finish("done in 0.8 s");
    expect(written).toEqual([]);
  });

  it("writes bytes, share, rate and time left at most once a second in a log, then a closing line", () => {
    const { progress, written, elapse } = watched(4_000_000);
    elapse(1000, 1_000_000);
    elapse(500, 1_000_000);
    elapse(500, 1_000_000);
    progress.finish("done in 2.0 s");
    expect(written).toEqual([
      "reading x.csv: 1.0 of 4.0 MB (25%), 1.0 MB/s, about 3 s left\n",
      "reading x.csv: 3.0 of 4.0 MB (75%), 1.5 MB/s, about 1 s left\n",
      "reading x.csv: done in 2.0 s\n",
    ]);
  });

  it("redraws one bar in place on a terminal, and replaces it with the closing line", () => {
    const { progress, written, elapse } = watched(4_000_000, true);
    elapse(200, 2_000_000);
    progress.finish("done in 0.2 s");
    expect(written).toEqual([
      "\rreading x.csv [############------------] 2.0 of 4.0 MB (50%), 10.0 MB/s, about 1 s left\x1b[K",
      "\rreading x.csv: done in 0.2 s\x1b[K\n",
    ]);
  });

  it("ends a terminal's bar line when interrupted, so the next message starts on its own line", () => {
    const { progress, written, elapse } = watched(4_000_000, true);
    elapse(200, 1_000_000);
    progress.interrupt();
    progress.interrupt();
    expect(written.slice(1)).toEqual(["\n"]);
  });

  it("passes the bytes through its stream unchanged, counting them", async () => {
    let clock = 0;
    const written: string[] = [];
    const progress = byteProgress("reading x.csv", 6, {
      write: (line) => written.push(line),
      now: () => (clock += 1000),
    });
    const passed = await text(Readable.from([Buffer.from("abc"), Buffer.from("def")]).pipe(progress.stream));
    expect(passed).toBe("abcdef");
    expect(written.at(-1)).toMatch(/^reading x\.csv: 0\.0 of 0\.0 MB \(100%\)/);
  });
});
