import * as z from "zod";

/** The built-in dimension whose values are the customer ids of the lines. */
export const CUSTOMER_DIMENSION = "customer";

/** A scheme is an ordered list of dimension names; each distinct combination of values is a segment. */
export type SchemeDimensions = readonly string[];

/** `channel+region` for the scheme `["channel", "region"]`. */
export function schemeId(dimensions: SchemeDimensions): string {
  return dimensions.join("+");
}

/** With no schemes configured: one scheme per dimension the data has, plus one customer by customer. */
export function defaultSchemes(dimensions: readonly string[]): string[][] {
  const own = dimensions.filter((name) => name !== CUSTOMER_DIMENSION).map((name) => [name]);
  return [...own, [CUSTOMER_DIMENSION]];
}

/** A dimension (or cost component) name must be able to stand in a scheme id such as `channel+region`. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

export const dimensionNameSchema = z
  .string()
  .regex(NAME_PATTERN, "a name uses letters, digits and _ and starts with a letter");
