/** What Tongban's middleware attaches to each express request. */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Trace id of this request (from `traceparent` / `X-Request-Id`, else generated). */
      traceId: string;
      /** The raw body bytes as received (signature digests are computed over these). */
      rawBody?: Buffer;
      /**
       * The route reads the body itself, as a stream (`Route.body: 'stream'`):
       * the JSON body parser left it unread, and the signature's digest is
       * checked by the route against what it reads (`contentSha256`).
       */
      streamedBody?: boolean;
      /** For a streamed body: the 32 bytes of the signed `Content-Digest`'s sha-256, which the bytes must hash to. */
      contentSha256?: Buffer;
    }
  }
}

export {};
