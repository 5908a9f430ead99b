import type { ApiErrorBody } from "./api-types.ts";

/** A refusal or failure of the API, with what it said: status, code and sentence. */
export class ApiFailure extends Error {
  override readonly name = "ApiFailure";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * Calls the API of the origin that served the page, with the signed-in bearer token. Paths are
 * relative to the page, so the page works under a stage prefix as well as at the root.
 */
export class ApiClient {
  constructor(private readonly token: string) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path.replace(/^\//, ""), document.baseURI), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: "application/json",
          ...(body !== undefined && { "content-type": "application/json" }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiFailure(0, "NETWORK", `the API could not be reached: ${(error as Error).message}`);
    }
    const text = await response.text();
    const parsed: unknown = text === "" ? undefined : safeJson(text);
    if (!response.ok) {
      const error = (parsed as Partial<ApiErrorBody> | undefined)?.error;
      throw new ApiFailure(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? `the API answered ${response.status}`,
        error?.details,
      );
    }
    return parsed as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A path segment as the API expects it: segment ids may hold `|`, spaces and slashes. */
export function pathPart(value: string): string {
  return encodeURIComponent(value);
}
