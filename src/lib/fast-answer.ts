// An HTTP answer prepared in full before any web Request exists: what a fast path hands the server.
export interface FastAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}
