/** What Tongban's middleware attaches to each express request. */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Trace id of this request (from `traceparent` / `X-Request-Id`, else generated). */
      traceId: string;
      /** The raw body bytes as received (signature digests are computed over these). */
      rawBody?: Buffer;
    }
  }
}

export {};
