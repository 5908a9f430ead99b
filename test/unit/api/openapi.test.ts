import { describe, expect, it } from "vitest";
import { openApiDocument } from "#api/openapi.ts";
import { apiRoutes } from "#api/routes.ts";
import { callApi, expectDocumented, memoryApi } from "./api-harness.ts";

interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly security?: readonly unknown[];
  readonly parameters?: ReadonlyArray<{ name: string; in: string; required: boolean; schema: object }>;
  readonly responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
}

interface Document {
  readonly openapi: string;
  readonly info: { title: string; version: string };
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { securitySchemes: Record<string, object>; schemas: Record<string, object> };
  readonly security: ReadonlyArray<Record<string, unknown>>;
}

const document = openApiDocument(apiRoutes) as Document;
const operations = apiRoutes.map((route) => {
  const operation = document.paths[route.path]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`the document has no ${route.method} ${route.path}`);
  return [`${route.method} ${route.path}`, route, operation] as const;
});

/** Every `$ref` anywhere under a value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "$ref" && typeof inner === "string" ? [inner] : refsIn(inner),
  );
}

function resolve(pointer: string): unknown {
  return pointer
    .replace(/^#\//, "")
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], document);
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1.0 for segment-focus, with a bearer JWT security scheme required by default", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.info).toMatchObject({
      title: "segment-focus",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(document.components.securitySchemes.bearerJwt).toMatchObject({
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
    });
    expect(document.security).toEqual([{ bearerJwt: [] }]);
  });

  it("has every route of the table under its path and method, and nothing else", () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(apiRoutes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it("gives each operation a unique operationId, a tag and a one-line summary", () => {
    const ids = operations.map(([, , operation]) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.paths["/schemes/{schemeId}/segments"]?.get?.operationId).toBe(
      "getSchemesBySchemeIdSegments",
    );
    for (const [, , operation] of operations) {
      expect(operation.tags).toHaveLength(1);
      expect(operation.summary).toMatch(/^\S.*\S$/);
      expect(operation.summary).not.toContain("\n");
    }
  });

  it.each(operations)("%s declares each of its path parameters, required", (_, route, operation) => {
    const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
    const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === "path");
    expect(declared.map((parameter) => parameter.name).sort()).toEqual(inPath.sort());
    expect(declared.every((parameter) => parameter.required)).toBe(true);
  });

  it.each(operations)("%s lists its success and error responses", (_, route, operation) => {
    const statuses = Object.keys(operation.responses).map(Number);
    expect(statuses.some((status) => status >= 200 && status < 300)).toBe(true);
    expect(statuses).toContain(500);
    if (route.roles === "public") expect(operation.security).toEqual([]);
    else expect(statuses).toEqual(expect.arrayContaining([401, 403]));
    if (route.params || route.query || route.body || route.rawBody) expect(statuses).toContain(400);
    for (const response of Object.values(operation.responses)) {
      expect(response.description).not.toBe("");
      expect(Object.keys(response.content ?? {}).length).toBeGreaterThan(0);
    }
  });

  it("describes query parameters from the query schema, a defaulted one as optional", () => {
    const parameters = document.paths["/schemes/{schemeId}/segments"]?.get?.parameters ?? [];
    expect(parameters.find((parameter) => parameter.name === "sort")).toMatchObject({
      in: "query",
      required: false,
      schema: { enum: ["focus", "profit", "margin", "growth", "defensibility", "revenue"] },
    });
  });

  it("describes the free-form dim.<name> filters as an exploded form object", () => {
    const parameters = document.paths["/schemes/{schemeId}/segments"]?.get?.parameters ?? [];
    const filters = parameters.find((parameter) => parameter.name === "dimensionFilters") as
      | { style: string; explode: boolean; schema: { propertyNames: { pattern: string } } }
      | undefined;
    expect(filters).toMatchObject({ in: "query", required: false, style: "form", explode: true });
    const pattern = new RegExp(filters?.schema.propertyNames.pattern ?? "^$");
    expect(["dim.channel", "dim.sales_rep"].filter((name) => pattern.test(name))).toHaveLength(2);
    expect(["channel", "dim.", "dim.1st", "dimchannel"].filter((name) => pattern.test(name))).toEqual([]);
  });

  it("takes a file body as bytes or CSV, and answers the board as JSON or CSV", () => {
    const content = document.paths["/batches/{batchId}/content"]?.put as unknown as {
      requestBody: { content: Record<string, unknown> };
    };
    expect(Object.keys(content.requestBody.content).sort()).toEqual(["application/octet-stream", "text/csv"]);
    const board = document.paths["/schemes/{schemeId}/decisions"]?.get?.responses["200"]?.content ?? {};
    expect(Object.keys(board).sort()).toEqual(["application/json", "text/csv"]);
  });

  it("documents a scheme's forecast accuracy as null or an object open to figures added later, in both routes that answer it", () => {
    type Schema = {
      properties: Record<string, Schema>;
      anyOf?: Schema[];
      items?: Schema;
      additionalProperties?: unknown;
      type?: string;
    };
    const json = (path: string) =>
      document.paths[path]?.get?.responses["200"]?.content?.["application/json"]?.schema as Schema;
    const schemes = json("/schemes").properties.schemes?.items?.properties.forecastAccuracy;
    const route = json("/schemes/{schemeId}/forecast-accuracy").properties.accuracy;
    for (const accuracy of [schemes, route]) {
      const [object, nothing] = accuracy?.anyOf ?? [];
      expect(nothing).toEqual({ type: "null" });
      expect(object?.additionalProperties).toEqual({});
      expect(Object.keys(object?.properties ?? {}).sort()).toEqual([
        "chosen",
        "cutoffs",
        "fittedBeats",
        "holdoutMonths",
        "methods",
        "segments",
        "segmentsEvaluated",
      ]);
    }
  });

  it("resolves every $ref within the document, errors to the shared Error schema", () => {
    const refs = new Set(refsIn(document));
    expect(refs).toContain("#/components/schemas/Error");
    for (const ref of refs) {
      expect(ref.startsWith("#/")).toBe(true);
      expect(resolve(ref), ref).toBeDefined();
    }
  });
});

describe("the contract check every API test's answers go through", () => {
  const answer = (status: number, body: unknown) => ({
    statusCode: status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

  it("refuses a body the document does not describe for the status", () => {
    expect(() =>
      expectDocumented({ method: "GET", path: "/health" }, answer(200, { status: "down" })),
    ).toThrow(/GET \/health answered 200 with a body the OpenAPI document does not allow/);
  });

  it("refuses a status the document does not list for the operation", () => {
    expect(() => expectDocumented({ method: "GET", path: "/health" }, answer(201, { status: "ok" }))).toThrow(
      "GET /health answered 201, which the OpenAPI document does not list",
    );
  });

  it("holds a request no route answers to the shared error body", () => {
    expect(() =>
      expectDocumented({ method: "GET", path: "/nowhere" }, answer(404, { status: "ok" })),
    ).toThrow(/does not allow/);
  });
});

describe("GET /openapi.json", () => {
  it("answers the document without a token", async () => {
    const { handler } = memoryApi();
    const answer = await callApi(handler, { method: "GET", path: "/openapi.json" });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(document)));
  });
});
