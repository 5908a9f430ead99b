import { Cube } from "#domain/cube.ts";

/**
 * The cube's wire format: a short JSON header (dimension dictionaries, cost components, scheme
 * shapes) followed by the raw typed arrays, each 8-byte aligned. It is compact (no per-row keys or
 * text), loads without parsing numbers, and round-trips bit for bit.
 *
 *   "SFCUBE" · u16 format version · u32 header length · header JSON · padding · sections…
 *
 * Version 2 holds the discount off list price (whole units and a fine rest) where version 1 held
 * Σ rate × net. The old figure cannot be turned into the new one, so a version-1 partial is refused,
 * saying to ingest its batch again.
 */
export const CUBE_FORMAT_VERSION = 2;
const MAGIC = "SFCUBE";

interface CubeHeader {
  readonly version: number;
  readonly breadthDimension: string;
  readonly dimensions: ReadonlyArray<{ readonly name: string; readonly values: readonly string[] }>;
  readonly costComponents: readonly string[];
  readonly schemes: ReadonlyArray<{
    readonly dimensions: readonly string[];
    readonly segments: number;
    readonly monthRows: number;
    readonly monthStride: number;
    readonly customerRows: number;
  }>;
}

export class CubeFormatError extends Error {
  override readonly name = "CubeFormatError";
}

export function encodeCube(cube: Cube): Uint8Array {
  const header: CubeHeader = {
    version: CUBE_FORMAT_VERSION,
    breadthDimension: cube.breadthDimension,
    dimensions: cube.dimensions.map((name, index) => ({ name, values: cube.dictionary(index).values })),
    costComponents: cube.costComponents,
    schemes: cube.schemes.map((scheme) => ({
      dimensions: scheme.dimensions,
      segments: scheme.segments.size,
      monthRows: scheme.monthKeys.size,
      monthStride: scheme.monthFigureStride,
      customerRows: scheme.customerKeys.size,
    })),
  };
  const sections: ArrayBufferView[] = [];
  for (const scheme of cube.schemes) {
    sections.push(
      scheme.segments.keyData,
      scheme.monthKeys.keyData,
      scheme.monthFigures.subarray(0, scheme.monthKeys.size * scheme.monthFigureStride),
      scheme.customerKeys.keyData,
      scheme.customerAmounts.subarray(0, scheme.customerKeys.size * 3),
      scheme.customerFacts.subarray(0, scheme.customerKeys.size * 8),
    );
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  let size = align8(MAGIC.length + 2 + 4 + headerBytes.length);
  for (const section of sections) size += align8(section.byteLength);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint16(MAGIC.length, CUBE_FORMAT_VERSION, true);
  view.setUint32(MAGIC.length + 2, headerBytes.length, true);
  bytes.set(headerBytes, MAGIC.length + 6);
  let offset = align8(MAGIC.length + 6 + headerBytes.length);
  for (const section of sections) {
    bytes.set(new Uint8Array(section.buffer, section.byteOffset, section.byteLength), offset);
    offset += align8(section.byteLength);
  }
  return bytes;
}

export function decodeCube(bytes: Uint8Array): Cube {
  if (
    bytes.length < MAGIC.length + 6 ||
    new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC
  ) {
    throw new CubeFormatError("not a segment-focus cube: the file does not start with SFCUBE");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(MAGIC.length, true);
  if (version === 1) {
    throw new CubeFormatError(
      `cube format version 1 is not supported (this build reads ${CUBE_FORMAT_VERSION}): it holds discounts weighted by net revenue, not the discount off list price; send its batch again to ingest it anew`,
    );
  }
  if (version !== CUBE_FORMAT_VERSION) {
    throw new CubeFormatError(
      `cube format version ${version} is not supported (this build reads ${CUBE_FORMAT_VERSION})`,
    );
  }
  const headerLength = view.getUint32(MAGIC.length + 2, true);
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(MAGIC.length + 6, MAGIC.length + 6 + headerLength)),
  ) as CubeHeader;

  const cube = Cube.empty({ breadthDimension: header.breadthDimension });
  for (const { name, values } of header.dimensions) {
    const dictionary = cube.dictionary(cube.dimension(name));
    for (const value of values) dictionary.intern(value);
  }
  for (const name of header.costComponents) cube.costComponent(name);

  let offset = align8(MAGIC.length + 6 + headerLength);
  // Copy each section out so the decoded cube never aliases (or misaligns against) the input buffer.
  const take = <T>(Kind: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, count: number): T => {
    const byteLength = count * Kind.BYTES_PER_ELEMENT;
    if (offset + byteLength > bytes.length) throw new CubeFormatError("cube data is truncated");
    const copy = bytes.slice(offset, offset + byteLength);
    offset += align8(byteLength);
    return new Kind(copy.buffer);
  };
  for (const shape of header.schemes) {
    const scheme = cube.scheme(shape.dimensions);
    if (scheme.monthFigureStride !== shape.monthStride)
      throw new CubeFormatError("cube month layout does not match its cost components");
    scheme.loadRows(
      take(Int32Array, shape.segments * shape.dimensions.length),
      take(Int32Array, shape.monthRows * 2),
      take(Float64Array, shape.monthRows * shape.monthStride),
      take(Int32Array, shape.customerRows * 2),
      take(Float64Array, shape.customerRows * 3),
      take(Uint32Array, shape.customerRows * 8),
    );
  }
  return cube;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
