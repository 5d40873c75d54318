export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: GraphQLErrorShape[];
}

/** A minimal GraphQL-over-HTTP client, as any runtime would use the API. */
export class GraphQLClient {
  constructor(
    readonly url: string,
    readonly key: string | null,
  ) {}

  async raw<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, body?: string): Promise<GraphQLResponse<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.key ? { authorization: `Bearer ${this.key}` } : {}) },
      body: body ?? JSON.stringify({ query, variables }),
    });
    const json = (await response.json()) as { data?: T; errors?: GraphQLErrorShape[] };
    return { status: response.status, data: json.data ?? undefined, errors: json.errors };
  }

  /** The data, or a thrown error listing the GraphQL errors. */
  async request<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await this.raw<T>(query, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data as T;
  }

  /** The error code of a request expected to fail. */
  async errorCode(query: string, variables: Record<string, unknown> = {}): Promise<string | undefined> {
    const result = await this.raw(query, variables);
    return result.errors?.[0]?.extensions?.code;
  }
}
