/**
 * `/__control` routes of the identity platform (development only, no auth;
 * `/__control/faults` is the fault controller's): register persons and
 * enterprises, rotate the signing key.
 */
import express, { type Router } from 'express';
import { RegistrationError, type EnterpriseRegistration, type IdentityRegistry, type PersonRegistration } from './registry.js';
import type { SigningKeys } from './signing-keys.js';

export function controlRoutes(registry: IdentityRegistry, keys: SigningKeys): Router {
  const router = express.Router();
  const register = <T>(path: string, add: (input: T) => unknown) => {
    router.post(path, (req, res) => {
      const body: unknown = req.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        return void res.status(400).json({ error: 'invalid_request', field: null, error_description: 'body must be a JSON object' });
      }
      try {
        res.status(201).json(add(body as T));
      } catch (error) {
        if (!(error instanceof RegistrationError)) throw error;
        res.status(400).json({ error: 'invalid_request', field: error.field, error_description: error.message });
      }
    });
  };
  register<PersonRegistration>('/__control/persons', (input) => {
    const { password: _password, ...person } = registry.registerPerson(input);
    return person;
  });
  register<EnterpriseRegistration>('/__control/enterprises', (input) => registry.registerEnterprise(input));
  router.post('/__control/rotate-keys', (req, res) => {
    res.json(keys.rotate({ retire: req.query['retire'] === '1' || req.query['retire'] === 'true' }));
  });
  return router;
}
