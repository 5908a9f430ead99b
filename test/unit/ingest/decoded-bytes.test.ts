import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodedBytes } from "#ingest/decoded-bytes.ts";
import { IngestError } from "#ingest/ingest-error.ts";
import { concatBytes, everySplit, inChunksOf, singleBytes, streamOf, utf8 } from "./byte-chunks.ts";

const TEXT = "transaction_id,date,customer_id,revenue\nT1,2024-01-05,C1,10.50\nT2,2024-01-06,Čapek,7\n";
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

async function decodedText(input: AsyncIterable<Uint8Array>, file = "orders.csv"): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of decodedBytes(input, file)) chunks.push(chunk);
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(concatBytes(...chunks));
}

async function decodingError(input: AsyncIterable<Uint8Array>, file = "orders.csv"): Promise<IngestError> {
  try {
    await decodedText(input, file);
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  throw new Error("expected an IngestError");
}

describe("decodedBytes", () => {
  it("passes plain text through unchanged, whole or in 1-byte chunks", async () => {
    expect(await decodedText(streamOf(utf8(TEXT)))).toBe(TEXT);
    expect(await decodedText(inChunksOf(utf8(TEXT), 1))).toBe(TEXT);
  });

  it("yields nothing for an empty file or one made of empty chunks", async () => {
    expect(await decodedText(streamOf())).toBe("");
    expect(await decodedText(streamOf(new Uint8Array(0), new Uint8Array(0)))).toBe("");
  });

  it("inflates gzip recognised by its magic bytes, whatever the file is called", async () => {
    expect(await decodedText(streamOf(gzipSync(utf8(TEXT))), "orders.csv")).toBe(TEXT);
    expect(await decodedText(streamOf(utf8(TEXT)), "orders.csv.gz")).toBe(TEXT);
  });

  it("inflates gzip the same way in 1-byte chunks and cut in two at every offset", async () => {
    const compressed = gzipSync(utf8(TEXT));
    expect(await decodedText(streamOf(...singleBytes(compressed)))).toBe(TEXT);
    for (const [offset, head, tail] of everySplit(compressed)) {
      expect(await decodedText(streamOf(head, tail)), `cut at byte ${offset}`).toBe(TEXT);
    }
  });

  it("drops a UTF-8 byte order mark at the start, plain or gzip, however it is chunked", async () => {
    const marked = concatBytes(BOM, utf8(TEXT));
    expect(await decodedText(streamOf(marked))).toBe(TEXT);
    expect(await decodedText(streamOf(...singleBytes(marked)))).toBe(TEXT);
    for (const [offset, head, tail] of everySplit(marked).slice(0, 6)) {
      expect(await decodedText(streamOf(head, tail)), `cut at byte ${offset}`).toBe(TEXT);
    }
    expect(await decodedText(streamOf(gzipSync(marked)))).toBe(TEXT);
    expect(await decodedText(streamOf(...singleBytes(gzipSync(marked))))).toBe(TEXT);
  });

  it("yields nothing for a file that is only a byte order mark", async () => {
    expect(await decodedText(streamOf(BOM))).toBe("");
  });

  it("keeps a byte order mark that is not at the start", async () => {
    const inside = concatBytes(utf8("a,b\n"), BOM, utf8("1,2\n"));
    expect(await decodedText(streamOf(inside))).toBe("a,b\n\uFEFF1,2\n");
  });

  it("refuses UTF-16 text (either byte order) with UNSUPPORTED_ENCODING, asking for UTF-8", async () => {
    const littleEndian = concatBytes(
      Uint8Array.of(0xff, 0xfe),
      new Uint8Array(Buffer.from("id,date\n", "utf16le")),
    );
    const bigEndian = Uint8Array.of(0xfe, 0xff, 0x00, 0x69, 0x00, 0x64);
    for (const input of [
      streamOf(littleEndian),
      streamOf(...singleBytes(littleEndian)),
      streamOf(bigEndian),
      streamOf(gzipSync(littleEndian)),
      streamOf(...singleBytes(gzipSync(littleEndian))),
    ]) {
      const error = await decodingError(input);
      expect(error.code).toBe("UNSUPPORTED_ENCODING");
      expect(error.details).toEqual({ file: "orders.csv", line: 1 });
      expect(error.message).toContain("UTF-16");
      expect(error.message).toContain("UTF-8");
    }
  });

  it("refuses a zip archive or Excel workbook with UNSUPPORTED_ARCHIVE", async () => {
    const zip = concatBytes(Uint8Array.of(0x50, 0x4b, 0x03, 0x04), utf8("rest of the archive"));
    const error = await decodingError(streamOf(...singleBytes(zip)), "orders.xlsx");
    expect(error.code).toBe("UNSUPPORTED_ARCHIVE");
    expect(error.details).toEqual({ file: "orders.xlsx" });
    expect(error.message).toContain("zip archive");
  });

  it("fails with TRUNCATED_GZIP when the gzip file is cut off anywhere after its magic bytes", async () => {
    const compressed = gzipSync(utf8(TEXT));
    for (let length = 2; length < compressed.length; length++) {
      const error = await decodingError(streamOf(compressed.subarray(0, length)));
      expect(error.code, `cut to ${length} bytes`).toBe("TRUNCATED_GZIP");
      expect(error.details).toEqual({ file: "orders.csv" });
      expect(error.message).toContain("cut off");
    }
  });

  it("fails with CORRUPT_GZIP when the gzip data does not check out", async () => {
    const compressed = gzipSync(utf8(TEXT));
    const damaged = compressed.slice();
    const crcAt = damaged.length - 8;
    damaged[crcAt] = (damaged[crcAt] as number) ^ 0xff;
    const error = await decodingError(streamOf(damaged));
    expect(error.code).toBe("CORRUPT_GZIP");
    expect(error.details).toEqual({ file: "orders.csv" });
    expect(error.message).toContain("cannot be inflated");
  });
});
