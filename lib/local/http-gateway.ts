import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { claimsFor, type LocalTokens } from "#local/local-tokens.ts";

export type ApiLambda = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway's own limit on a request body. */
export const MAX_GATEWAY_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The largest event a Lambda function is invoked with (6 MiB). A binary body travels base64-encoded,
 * a third larger, so a gzip body of about 4.4 MiB already exceeds it: AWS refuses the request before
 * the function runs, and so does this gateway.
 */
export const MAX_LAMBDA_REQUEST_BYTES = 6 * 1024 * 1024;

/**
 * The local stand-in for API Gateway (HTTP API, payload v2): each request becomes the event the
 * JWT authorizer would pass on — with claims when the bearer token is a known local token, without
 * an authorizer otherwise — and the Lambda's result becomes the response.
 */
export async function startHttpGateway(options: {
  readonly api: ApiLambda;
  readonly tokens: LocalTokens;
  readonly port: number;
  readonly host?: string;
}): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { code: "GATEWAY_ERROR", message: (error as Error).message } }));
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: { api: ApiLambda; tokens: LocalTokens },
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_GATEWAY_BODY_BYTES) {
      response.writeHead(413, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          error: { code: "PAYLOAD_TOO_LARGE", message: "request bodies are limited to 10 MB" },
        }),
      );
      request.destroy();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const event = toEvent(request, body, options.tokens);
  if (
    body.length > MAX_LAMBDA_REQUEST_BYTES / 2 &&
    Buffer.byteLength(JSON.stringify(event)) > MAX_LAMBDA_REQUEST_BYTES
  ) {
    response.writeHead(413, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        error: {
          code: "PAYLOAD_TOO_LARGE",
          message:
            "the request is larger than the 6 MiB a Lambda function receives (a binary body, gzip say, travels base64-encoded, a third larger); send the file through the upload URL of POST /batches",
        },
      }),
    );
    return;
  }
  const result = await options.api(event, lambdaContext(event.requestContext.requestId));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers["set-cookie"] = result.cookies.join(", ");
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8"),
  );
}

function toEvent(
  request: IncomingMessage,
  body: Buffer,
  tokens: LocalTokens,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const url = new URL(request.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const token = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "")?.[1]?.trim();
  const claims = token ? claimsFor(token, tokens) : undefined;
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const textual = /json|text|xml|csv|x-www-form-urlencoded/i.test(headers["content-type"] ?? "json");
  const now = new Date();
  const method = (request.method ?? "GET").toUpperCase();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    body: body.length > 0 ? body.toString(textual ? "utf8" : "base64") : undefined,
    isBase64Encoded: body.length > 0 && !textual,
    requestContext: {
      accountId: "local",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "localhost",
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: claims
        ? {
            principalId: claims.sub ?? "",
            integrationLatency: 0,
            jwt: { claims, scopes: claims.scope ? claims.scope.split(" ") : [] },
          }
        : undefined,
    } as APIGatewayProxyEventV2WithJWTAuthorizer["requestContext"],
  };
}

function lambdaContext(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "segment-focus-api",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:local:000000000000:function:segment-focus-api",
    memoryLimitInMB: "1024",
    awsRequestId: requestId,
    logGroupName: "/aws/lambda/segment-focus-api",
    logStreamName: "local",
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
