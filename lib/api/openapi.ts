import * as z from "zod";
import { rolesAdmittedBy } from "#api/auth.ts";
import { errorBodySchema } from "#api/http-error.ts";
import { type Route, textBodies } from "#api/route.ts";
import manifest from "../../package.json" with { type: "json" };

type JsonSchema = Record<string, unknown>;

/** What each status means, for the responses' descriptions. */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  400: "The request is not valid; details name each problem",
  401: "No valid bearer token",
  403: "The caller's roles may not do this",
  404: "Not found",
  405: "The path does not take this method",
  409: "Conflicts with what is stored",
  413: "The request body is too large",
  500: "An unexpected error; it has been logged",
  502: "A store the service depends on failed",
  503: "A store is busy or unavailable; retry after the Retry-After header",
};

/** The areas of the API, by the path their routes start with; the first that matches names the tag. */
const AREAS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\/schemes\/[^/]+\/(decisions|segments\/[^/]+\/decision)/, "decisions"],
  [/^\/reviews/, "decisions"],
  [/^\/schemes/, "segments"],
  [/^\/batches/, "batches"],
  [/^\/(scenarios|policy|mappings|fit)/, "configuration"],
];

/**
 * The OpenAPI 3.1 document of the API, generated from the route table: each route's schemas give its
 * parameters, request body and responses, its roles its security, so the document cannot drift from
 * what the API validates and answers.
 */
export function openApiDocument(routes: readonly Route[]): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, object>)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "segment-focus",
      version: manifest.version,
      description: manifest.description,
    },
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    security: [{ bearerJwt: [] }],
    tags: [...new Set(routes.map(areaOf))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerJwt: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "A Cognito access token; its groups (or an ingest client's scope) are its roles.",
        },
      },
      schemas: { Error: jsonSchema(errorBodySchema, "output") },
    },
  };
}

function operation(route: Route): object {
  const isPublic = route.roles === "public";
  const parameters = [...parametersOf(route.params, "path"), ...parametersOf(route.query, "query")];
  const requestBody = requestBodyOf(route);
  return {
    operationId: operationId(route),
    tags: [areaOf(route)],
    summary: route.summary,
    ...(!isPublic && {
      description: `Roles: ${rolesAdmittedBy(route.roles as Exclude<Route["roles"], "public">).join(", ")}.`,
    }),
    ...(isPublic && { security: [] }),
    ...(parameters.length > 0 && { parameters }),
    ...(requestBody && { requestBody }),
    responses: { ...successResponses(route), ...errorResponses(route) },
  };
}

/** `GET /schemes/{schemeId}/segments` → `getSchemesBySchemeIdSegments`. */
function operationId(route: Route): string {
  const words = route.path
    .split("/")
    .filter((part) => part !== "")
    .map((part) => {
      const parameter = /^\{(\w+)\}$/.exec(part)?.[1];
      return parameter
        ? `By${capitalized(parameter)}`
        : part
            .split(/[^A-Za-z0-9]+/)
            .map(capitalized)
            .join("");
    });
  return route.method.toLowerCase() + words.join("");
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function areaOf(route: Route): string {
  return AREAS.find(([pattern]) => pattern.test(route.path))?.[1] ?? "service";
}

/** A zod schema as JSON Schema 2020-12, self-contained: what a client sends (`input`) or receives (`output`). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    reused: "inline",
  }) as JsonSchema;
  return rest;
}

/**
 * Each property of a path or query object schema as a parameter; what has a default is optional.
 * Parameters named freely (a schema's catchall with `freeFormParameters` metadata, such as the
 * `dim.<name>` filters) become one exploded form object whose property names follow the pattern:
 * OpenAPI's way of saying `dim.channel=online&dim.region=west`.
 */
function parametersOf(schema: z.ZodType | undefined, where: "path" | "query"): object[] {
  if (!schema) return [];
  const object = jsonSchema(schema, "input");
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  const named = Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: property,
    ...(typeof property.description === "string" && { description: property.description }),
  }));
  const { freeFormParameters, description, ...value } = (object.additionalProperties ?? {}) as JsonSchema;
  const freeForm = freeFormParameters as { name: string; pattern: string } | undefined;
  if (!freeForm) return named;
  return [
    ...named,
    {
      name: freeForm.name,
      in: where,
      required: false,
      style: "form",
      explode: true,
      schema: { type: "object", propertyNames: { pattern: freeForm.pattern }, additionalProperties: value },
      ...(typeof description === "string" && { description }),
    },
  ];
}

function requestBodyOf(route: Route): object | undefined {
  if (route.rawBody) {
    return {
      required: true,
      description: "The file itself: CSV or NDJSON, optionally gzip-compressed.",
      content: {
        "application/octet-stream": { schema: {} },
        "text/csv": { schema: { type: "string" } },
      },
    };
  }
  if (!route.body) return undefined;
  return {
    required: !route.body.safeParse(undefined).success,
    content: { "application/json": { schema: jsonSchema(route.body, "input") } },
  };
}

/** The route's success bodies; a text body in a union stands under its own media type. */
function successResponses(route: Route): Record<string, object> {
  const responses: Record<string, object> = {};
  for (const [status, schema] of Object.entries(route.responses ?? {})) {
    const alternatives = schema instanceof z.ZodUnion ? (schema.options as readonly z.ZodType[]) : [schema];
    const content: Record<string, object> = {};
    const json = alternatives.filter((alternative) => !textBodies.has(alternative));
    if (json.length > 0) {
      const body = json.length === 1 ? (json[0] as z.ZodType) : z.union(json);
      content["application/json"] = { schema: jsonSchema(body, "output") };
    }
    for (const alternative of alternatives) {
      const text = textBodies.get(alternative);
      if (text) content[text.mediaType] = { schema: { type: "string" } };
    }
    responses[status] = { description: STATUS_TEXT[Number(status)] ?? "Success", content };
  }
  return responses;
}

/** The errors any route of the kind can answer, and those of its own handling, all with the Error body. */
function errorResponses(route: Route): Record<string, object> {
  const isPublic = route.roles === "public";
  const readsInput = Boolean(route.params || route.query || route.body || route.rawBody);
  const statuses = new Set<number>([
    ...(readsInput ? [400] : []),
    ...(isPublic ? [] : [401, 403]),
    ...(route.path.includes("{") ? [404] : []),
    ...(route.body ? [413] : []),
    ...(route.errors ?? []),
    500,
    ...(isPublic ? [] : [502, 503]),
  ]);
  const error = {
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
  return Object.fromEntries(
    [...statuses]
      .sort((a, b) => a - b)
      .map((status) => [String(status), { description: STATUS_TEXT[status] ?? "Error", ...error }]),
  );
}
