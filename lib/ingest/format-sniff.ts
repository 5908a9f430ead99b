import { CR, LF, OPEN_BRACE, QUOTE, SPACE, TAB } from "#ingest/bytes.ts";

/**
 * What a file's first bytes say about it: gzip by its magic bytes, a UTF-8 byte order mark, NDJSON by
 * a leading `{`, a CSV file's delimiter by its header line, and whether quoted fields hold line
 * breaks. Reading a file whole, reading one byte range of it and planning how to cut it all judge a
 * file by these rules, so that they never disagree about one.
 */

/** gzip, recognised by its magic bytes rather than by the file's name. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** How many bytes a leading UTF-8 byte order mark takes: 3, or 0 without one. */
export function utf8BomLength(bytes: Uint8Array): 0 | 3 {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/** NDJSON: the first byte that is not blank opens an object. */
export function looksLikeNdjson(text: Uint8Array): boolean {
  for (const b of text) {
    if (b === SPACE || b === TAB || b === LF || b === CR) continue;
    return b === OPEN_BRACE;
  }
  return false;
}

/** The first line with any text in it, and whether its newline has arrived yet. */
export function firstTextLine(bytes: Uint8Array): { line: Uint8Array; complete: boolean } {
  let start = 0;
  let text = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === LF) {
      if (text) return { line: bytes.subarray(start, i), complete: true };
      start = i + 1;
    } else if (b !== SPACE && b !== TAB && b !== CR) text = true;
  }
  return { line: bytes.subarray(start), complete: false };
}

/** Guesses the delimiter from the header line: the most frequent of , ; and tab outside quotes. */
export function sniffDelimiter(headerLine: Uint8Array): "," | ";" | "\t" {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const b of headerLine) {
    if (b === QUOTE) quoted = !quoted;
    else if (!quoted && b === 0x2c) counts[","]++;
    else if (!quoted && b === 0x3b) counts[";"]++;
    else if (!quoted && b === TAB) counts["\t"]++;
  }
  if (counts[";"] > counts[","] && counts[";"] >= counts["\t"]) return ";";
  if (counts["\t"] > counts[","]) return "\t";
  return ",";
}

/** The delimiter of a CSV file, judged on the first line of its text that is not blank. */
export function csvDelimiter(text: Uint8Array): "," | ";" | "\t" {
  return sniffDelimiter(firstTextLine(text).line);
}

/**
 * Whether these first bytes of a CSV file hold a quoted field with a line break in it, read as the
 * CSV reader reads them: a quote opens a field only at the field's start, and a doubled quote inside
 * one is a quote, not its end. The field must close, followed by a delimiter or the line's end (or
 * the end of the bytes): a quote that never closes is a broken row, which a split reports where it
 * is, not a reason to read a big file whole.
 */
export function holdsQuotedLineBreak(bytes: Uint8Array, delimiter: number): boolean {
  let quoted = false;
  let lineBreak = false;
  let fieldStart = true;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (quoted) {
      if (byte === LF) lineBreak = true;
      if (byte !== QUOTE) continue;
      if (bytes[i + 1] === QUOTE) {
        i++;
        continue;
      }
      quoted = false;
      const next = bytes[i + 1];
      if (lineBreak && (next === undefined || next === delimiter || next === LF || next === CR)) return true;
      lineBreak = false;
      fieldStart = false;
      continue;
    }
    if (byte === QUOTE && fieldStart) {
      quoted = true;
      continue;
    }
    fieldStart = byte === delimiter || byte === LF;
  }
  return false;
}
