import { type Route, route } from "#api/route.ts";
import { openApiResponseSchema } from "#api/schemas.ts";

/**
 * The API's own description, for clients and their code generators. The route table is given rather
 * than imported, as the document describes the table this route is part of.
 */
export function docsRoutes(document: () => object): readonly Route[] {
  return [
    route({
      method: "GET",
      path: "/openapi.json",
      summary: "Read the OpenAPI 3.1 document of this API",
      roles: "public",
      responses: { 200: openApiResponseSchema },
      handle: async () => ({ status: 200, body: document() }),
    }),
  ];
}
