/**
 * The express app every department simulator starts from: the request body
 * is kept as raw bytes (Tongban's signature covers them exactly), then the
 * fault controls and the fault middleware, in that order.
 */
import express, { type Express } from 'express';
import type { FaultController } from '../../faults.js';

export function departmentSimulatorApp(faults: FaultController): Express {
  const app = express();
  app.disable('x-powered-by');
  const raw = express.raw({ type: () => true, limit: '5mb' });
  app.use((req, res, next) => (req.path.startsWith('/__control/') ? next() : raw(req, res, next)));
  app.use(faults.controlRouter());
  app.use(faults.middleware());
  return app;
}
