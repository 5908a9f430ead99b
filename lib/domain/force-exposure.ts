import type { Cube } from "#domain/cube.ts";
import type { ForceOfChange } from "#domain/forces.ts";
import { CUSTOMER_DIMENSION } from "#domain/scheme.ts";
import { CustomerAmount, type SchemeAggregate } from "#domain/scheme-aggregate.ts";

/**
 * How much of each segment of a scheme a force of change reaches, 0–1. A matched dimension that is
 * part of the scheme decides outright (the segment's value matches or not). One that is not — a
 * force on the online channel, seen from the customer scheme — reaches a segment in proportion to its
 * customers' revenue in the matched values, weighted by their revenue in the segment. Several matched
 * dimensions multiply, as if independent.
 */
export function forceExposure(cube: Cube, scheme: SchemeAggregate, force: ForceOfChange): Float64Array {
  const exposure = new Float64Array(scheme.segmentCount).fill(1);
  for (const [dimension, matched] of Object.entries(force.match)) {
    const values = new Set(typeof matched === "string" ? [matched] : matched);
    const dimensionIndex = cube.dimensionIndex(dimension);
    if (dimensionIndex === undefined) {
      throw new ForceError(
        `force "${force.id}" matches the dimension "${dimension}", which the data does not have; its dimensions are: ${cube.dimensions.join(", ")}`,
      );
    }
    const position = scheme.dimensions.indexOf(dimension);
    if (position >= 0) {
      const dictionary = cube.dictionary(dimensionIndex);
      for (let segment = 0; segment < scheme.segmentCount; segment++) {
        if (!values.has(dictionary.valueOf(scheme.segments.keyAt(segment, position)))) exposure[segment] = 0;
      }
      continue;
    }
    const share = customerShareIn(cube, dimension, values, force);
    const reached = new Float64Array(scheme.segmentCount);
    const revenue = new Float64Array(scheme.segmentCount);
    for (let row = 0; row < scheme.customerKeys.size; row++) {
      const amount = scheme.customerAmounts[row * 3 + CustomerAmount.revenue] as number;
      if (amount <= 0) continue;
      const segment = scheme.customerKeys.keyAt(row, 0);
      revenue[segment] = (revenue[segment] as number) + amount;
      reached[segment] =
        (reached[segment] as number) + amount * (share[scheme.customerKeys.keyAt(row, 1)] as number);
    }
    for (let segment = 0; segment < scheme.segmentCount; segment++) {
      const total = revenue[segment] as number;
      exposure[segment] =
        (exposure[segment] as number) * (total > 0 ? (reached[segment] as number) / total : 0);
    }
  }
  return exposure;
}

export class ForceError extends Error {
  override readonly name = "ForceError";
}

/** Per customer id: the share of the customer's revenue whose `dimension` value is in `values`. */
function customerShareIn(
  cube: Cube,
  dimension: string,
  values: ReadonlySet<string>,
  force: ForceOfChange,
): Float64Array {
  const customers = cube.dictionary(0);
  const share = new Float64Array(customers.size);
  if (dimension === CUSTOMER_DIMENSION) {
    customers.values.forEach((customer, id) => {
      share[id] = values.has(customer) ? 1 : 0;
    });
    return share;
  }
  const source = cube.schemes
    .filter((scheme) => scheme.dimensions.includes(dimension))
    .sort((a, b) => a.dimensions.length - b.dimensions.length)[0];
  if (!source) {
    throw new ForceError(
      `force "${force.id}" matches the dimension "${dimension}", but no scheme contains it, so its reach cannot be measured; add a scheme with ${dimension}`,
    );
  }
  const position = source.dimensions.indexOf(dimension);
  const dictionary = cube.dictionary(source.picks[position] as number);
  const total = new Float64Array(customers.size);
  for (let row = 0; row < source.customerKeys.size; row++) {
    const amount = source.customerAmounts[row * 3 + CustomerAmount.revenue] as number;
    if (amount <= 0) continue;
    const customer = source.customerKeys.keyAt(row, 1);
    total[customer] = (total[customer] as number) + amount;
    if (values.has(dictionary.valueOf(source.segments.keyAt(source.customerKeys.keyAt(row, 0), position)))) {
      share[customer] = (share[customer] as number) + amount;
    }
  }
  for (let customer = 0; customer < share.length; customer++) {
    share[customer] =
      (total[customer] as number) > 0 ? (share[customer] as number) / (total[customer] as number) : 0;
  }
  return share;
}
