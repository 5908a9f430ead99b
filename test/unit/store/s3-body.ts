import { Readable } from "node:stream";
import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";

/**
 * A GetObject body as the SDK hands it over: a Node stream of the given pieces that can also turn
 * itself into bytes or text. Like a real one, it can be read only once.
 */
export function s3Body(...pieces: ReadonlyArray<string | Uint8Array>): GetObjectCommandOutput["Body"] {
  const chunks = pieces.map((piece) =>
    typeof piece === "string" ? Buffer.from(piece, "utf8") : Buffer.from(piece),
  );
  const stream = Readable.from(chunks);
  const bytes = async () => {
    const read: Buffer[] = [];
    for await (const chunk of stream) read.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(read));
  };
  return Object.assign(stream, {
    transformToByteArray: bytes,
    transformToString: async (encoding?: string) =>
      Buffer.from(await bytes()).toString((encoding ?? "utf8") as BufferEncoding),
    transformToWebStream: () => Readable.toWeb(stream) as unknown as ReadableStream,
  });
}
