import type { Keyring } from '../../trust/keyring.js';
import { jwks } from '../openapi/schemas/ops.js';
import { PUBLIC, type Route } from './route.js';

/** `/.well-known/jwks.json`: Tongban's public keys (active first, then previous keys still verifying). */
export function jwksRoutes(keyring: Keyring): Route[] {
  return [{
    method: 'GET', path: '/.well-known/jwks.json', access: PUBLIC, summary: 'Tongban public signing keys (JWKS)',
    responses: { 200: { description: 'The JWKS (cacheable for 5 minutes)', schema: jwks } },
    handler: (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.json({ keys: keyring.publicKeys() });
    },
  }];
}
