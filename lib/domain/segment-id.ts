/**
 * A segment's id is its values in scheme order, joined by "|", with "%" and "|" inside a value
 * escaped: readable (`online|west`), unique within a scheme, and reversible.
 */
export function segmentId(values: readonly string[]): string {
  return values.map((value) => value.replaceAll("%", "%25").replaceAll("|", "%7C")).join("|");
}

export function segmentValuesOf(id: string): string[] {
  return id.split("|").map((value) => value.replaceAll("%7C", "|").replaceAll("%25", "%"));
}
