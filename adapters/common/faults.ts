/**
 * Fault injection for simulators: every simulator mounts this middleware
 * first, so tests and the sandbox can make an upstream slow, flaky, broken
 * or down — through the object in-process, or over HTTP at `/__control/faults`.
 */
import express, { type RequestHandler, type Router } from 'express';
import { mulberry32 } from './random.js';

export type FaultKind = 'status' | 'timeout' | 'reset' | 'malformed' | 'bad-signature' | 'slow';

/** One scripted fault, consumed by the next matching request. */
export interface ScriptedFault {
  kind: FaultKind;
  /** For `status`: the HTTP status to answer (default 503). */
  status?: number;
  /** For `slow`: extra latency (ms). */
  delayMs?: number;
  /** Only requests whose path starts with this are affected (default: all). */
  pathPrefix?: string;
}

/** Standing fault settings (rates are 0…1). */
export interface FaultSettings {
  /** Share of requests answered with one of `statusCodes`. */
  errorRate: number;
  statusCodes: number[];
  /** Added to every request (ms). */
  latencyMs: number;
  /** Share of requests never answered (the client must time out). */
  timeoutRate: number;
  /** Share of requests whose connection is reset. */
  resetRate: number;
  /** Share of answers replaced by a malformed body. */
  malformedRate: number;
  /** Share of answers whose signature is corrupted (simulators that sign). */
  badSignatureRate: number;
  /** The whole system is down: every request gets 503 (or is reset, with `downMode: 'reset'`). */
  down: boolean;
  downMode: 'status' | 'reset';
}

export const NO_FAULTS: Readonly<FaultSettings> = Object.freeze({
  errorRate: 0, statusCodes: [503], latencyMs: 0, timeoutRate: 0, resetRate: 0, malformedRate: 0, badSignatureRate: 0, down: false, downMode: 'status',
});

/** What the simulator should do with the answer it is about to send. */
export interface AnswerFault {
  malformed: boolean;
  badSignature: boolean;
}

export class FaultController {
  private settings: FaultSettings = { ...NO_FAULTS };
  private script: ScriptedFault[] = [];
  private random: () => number;
  /** Requests that were hung on purpose, released on reset or close. */
  private readonly hung = new Set<import('node:http').ServerResponse>();
  /** Counters for tests: how many faults of each kind were injected. */
  readonly injected: Record<FaultKind | 'down', number> = { status: 0, timeout: 0, reset: 0, malformed: 0, 'bad-signature': 0, slow: 0, down: 0 };

  constructor(seed = 1) {
    this.random = mulberry32(seed);
  }

  /** Replaces standing settings (unspecified ones return to "no fault"). */
  set(settings: Partial<FaultSettings>): void {
    this.settings = { ...NO_FAULTS, ...settings };
  }

  get(): FaultSettings & { scripted: number } {
    return { ...this.settings, scripted: this.script.length };
  }

  /** Appends faults that the next matching requests get, in order. */
  enqueue(...faults: ScriptedFault[]): void {
    this.script.push(...faults);
  }

  /** Back to normal: no faults, empty script, hung requests released (destroyed). */
  reset(): void {
    this.settings = { ...NO_FAULTS };
    this.script = [];
    for (const res of this.hung) res.socket?.destroy();
    this.hung.clear();
  }

  goDown(mode: 'status' | 'reset' = 'status'): void {
    this.settings = { ...this.settings, down: true, downMode: mode };
  }

  comeBack(): void {
    this.settings = { ...this.settings, down: false };
  }

  private take(path: string): ScriptedFault | undefined {
    const index = this.script.findIndex((fault) => !fault.pathPrefix || path.startsWith(fault.pathPrefix));
    if (index < 0) return undefined;
    return this.script.splice(index, 1)[0];
  }

  /** Middleware applying the faults. Mount it before the simulator's routes (after the control router). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const answer: AnswerFault = { malformed: false, badSignature: false };
      res.locals['fault'] = answer;
      const s = this.settings;
      if (s.down) {
        this.injected.down += 1;
        if (s.downMode === 'reset') return void req.socket.destroy();
        return void res.status(503).type('text/plain').send('Service Unavailable');
      }
      const scripted = this.take(req.path);
      const roll = (rate: number) => rate > 0 && this.random() < rate;
      const kind: FaultKind | undefined = scripted?.kind
        ?? (roll(s.resetRate) ? 'reset' : roll(s.timeoutRate) ? 'timeout' : roll(s.errorRate) ? 'status'
          : roll(s.malformedRate) ? 'malformed' : roll(s.badSignatureRate) ? 'bad-signature' : undefined);
      const proceed = () => {
        switch (kind) {
          case 'reset':
            this.injected.reset += 1;
            return void req.socket.destroy();
          case 'timeout':
            this.injected.timeout += 1;
            this.hung.add(res);
            res.on('close', () => this.hung.delete(res));
            return;
          case 'status': {
            this.injected.status += 1;
            const codes = s.statusCodes.length > 0 ? s.statusCodes : [503];
            const status = scripted?.status ?? codes[Math.floor(this.random() * codes.length)]!;
            return void res.status(status).type('text/plain').send(`injected fault ${status}`);
          }
          case 'malformed':
            this.injected.malformed += 1;
            answer.malformed = true;
            break;
          case 'bad-signature':
            this.injected['bad-signature'] += 1;
            answer.badSignature = true;
            break;
          case 'slow':
            this.injected.slow += 1;
            break;
          default:
            break;
        }
        next();
      };
      const delay = s.latencyMs + (kind === 'slow' ? scripted?.delayMs ?? 1000 : 0);
      if (delay > 0) setTimeout(proceed, delay);
      else proceed();
    };
  }

  /** `GET|PUT|POST|DELETE /__control/faults`: the same controls over HTTP (no auth: simulators are development tools). */
  controlRouter(): Router {
    const router = express.Router();
    // Parse JSON only for the control paths: simulators that check signatures need the raw bytes of every other request.
    router.use('/__control', express.json());
    router.get('/__control/faults', (_req, res) => { res.json({ ...this.get(), injected: this.injected }); });
    router.put('/__control/faults', (req, res) => { this.set(req.body as Partial<FaultSettings>); res.json(this.get()); });
    router.post('/__control/faults', (req, res) => {
      const body = req.body as { enqueue?: ScriptedFault[] };
      this.enqueue(...(body.enqueue ?? []));
      res.json(this.get());
    });
    router.delete('/__control/faults', (_req, res) => { this.reset(); res.json(this.get()); });
    return router;
  }
}

/**
 * Makes a JSON body malformed the way broken upstreams do: truncated
 * mid-document. Simulators call it when `res.locals.fault.malformed` is set.
 */
export function corruptBody(body: string): string {
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}
