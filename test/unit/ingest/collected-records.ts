import type { FieldRecord, RecordProblemHandler } from "#ingest/csv-records.ts";

/** What a record reader reported, its fields decoded as text. */
export interface CollectedRecords {
  records: Array<{ line: number; fields: string[] }>;
  problems: Array<{ line: number; reason: string }>;
}

const decoder = new TextDecoder();

/**
 * The callbacks to hand a record reader, and what they collect: a record's fields are only valid
 * during its callback, so they are decoded there.
 */
export function recordCollector(): {
  collected: CollectedRecords;
  onRecord: (record: FieldRecord) => void;
  onProblem: RecordProblemHandler;
} {
  const collected: CollectedRecords = { records: [], problems: [] };
  return {
    collected,
    onRecord: (record) => {
      const fields = Array.from({ length: record.count }, (_, f) =>
        decoder.decode(record.bytes.subarray(record.starts[f] as number, record.ends[f] as number)),
      );
      collected.records.push({ line: record.line, fields });
    },
    onProblem: (line, reason) => collected.problems.push({ line, reason }),
  };
}
