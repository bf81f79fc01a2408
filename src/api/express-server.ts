import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

/**
 * An HTTP server for an express app whose requests and answers are created
 * with the app's own prototypes (`app.request`, `app.response`).
 *
 * Express gives every request those prototypes with `Object.setPrototypeOf`
 * on the live `req` and `res` (`app.handle`). Changing an object's prototype
 * after it was built costs V8 its fast property access on that object for the
 * rest of the request, in node's http code as much as in express: measured by
 * `npm run bench -- framework`, express then spends about 180 µs of CPU per
 * request against about 75 µs when the objects are born with the prototypes
 * express would give them. Express's own `setPrototypeOf` is then a no-op
 * (same prototype), so the app, its routes and middleware are unchanged.
 * A mounted sub-app still switches prototypes on its own paths, as before.
 */
export function createExpressServer(app: Express): Server {
  const prototypes = app as unknown as { request: object; response: object };
  function ExpressRequest(this: IncomingMessage, socket: Socket): void {
    IncomingMessage.call(this, socket);
  }
  ExpressRequest.prototype = prototypes.request;
  function ExpressResponse(this: ServerResponse, req: IncomingMessage, options?: unknown): void {
    (ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: unknown) => void).call(this, req, options);
  }
  ExpressResponse.prototype = prototypes.response;
  return createServer({
    IncomingMessage: ExpressRequest as unknown as typeof IncomingMessage,
    ServerResponse: ExpressResponse as unknown as typeof ServerResponse,
  }, app);
}
