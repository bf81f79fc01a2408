/**
 * The start of every simulator's express app: no fingerprinting headers or
 * ETags, a count of API requests (`/__control` excluded), then the fault
 * controls and the fault middleware.
 */
import express, { type Express } from 'express';
import type { FaultController } from './faults.js';

export function createSimulatorApp(faults: FaultController): { app: Express; requestCount: () => number } {
  let requests = 0;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, _res, next) => {
    if (!req.path.startsWith('/__control')) requests += 1;
    next();
  });
  app.use(faults.controlRouter());
  app.use(faults.middleware());
  return { app, requestCount: () => requests };
}
