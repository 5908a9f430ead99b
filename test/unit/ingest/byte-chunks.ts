/** Test inputs as the byte streams an upload delivers: whole, in fixed-size chunks or split anywhere. */

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

/** Yields the given pieces one after another, each a fresh copy. */
export async function* streamOf(...pieces: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield piece.slice();
}

/** Yields `bytes` in chunks of `size` bytes (the last one may be shorter). */
export async function* inChunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/** Every way to cut `bytes` in two non-empty pieces: [offset, head, tail]. */
export function everySplit(bytes: Uint8Array): Array<[number, Uint8Array, Uint8Array]> {
  return Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => [
    i + 1,
    bytes.subarray(0, i + 1),
    bytes.subarray(i + 1),
  ]);
}

/** The pieces of `bytes` one byte long. */
export function singleBytes(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}
