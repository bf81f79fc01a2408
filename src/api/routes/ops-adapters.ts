import { adapterHealth, type AdapterHealthSources, type AdapterKind } from '../../ops/adapter-health.js';
import { component } from '../openapi/components.js';
import { departmentCode, instant, nullableInstant, openObject } from '../openapi/schemas/common.js';
import { type Route, OPS_READ } from './route.js';

/** The kinds, in the answer's order (the departments last). */
const ADAPTER_KINDS = ['matter-system', 'licence-library', 'seal-platform', 'identity-platform', 'payment-platform', 'logistics', 'evaluation', 'data-sharing', 'department'] as const satisfies readonly AdapterKind[];

const adapterList = component('AdapterList', openObject({
  checkedAt: instant,
  adapters: {
    type: 'array',
    items: openObject({
      id: { type: 'string', description: 'The kind for a shared upstream (`matter-system`, `licence-library`, `seal-platform`, `identity-platform`, `payment-platform`, `logistics`, `evaluation`, `data-sharing`), `department:<code>` for a department' },
      kind: { enum: [...ADAPTER_KINDS] },
      name: { type: 'string', description: 'e.g. 省事项系统, 统一公共支付平台, or the department\'s official name' },
      department: departmentCode,
      channel: { enum: ['rest', 'soap', 'inbox'] },
      configured: { type: 'boolean' },
      baseUrl: { type: ['string', 'null'], description: 'Configured base URL (the identity platform: its issuer) without credentials, query or fragment; null when none (an inbox department calls Tongban)' },
      circuit: { enum: ['closed', 'open', 'halfOpen', null], description: 'The department\'s circuit breaker in the answering replica; null without one (inbox, other adapters) or when the replica runs no dispatcher' },
      lastSuccessAt: nullableInstant,
      lastFailureAt: nullableInstant,
      lastErrorCode: { type: ['string', 'null'], description: 'Error code of the last failure on record (delivery attempt, sync run, or a worker\'s job): `UPSTREAM_<KIND>` when the upstream failed (`UPSTREAM_TIMEOUT`, `UPSTREAM_UNAVAILABLE`, …)' },
      health: { enum: ['up', 'degraded', 'down'], description: '`down`: not configured, or circuit open; `degraded`: circuit half-open, or the most recent outcome on record is a failure; `up`: otherwise (also with nothing on record)' },
      healthReason: { type: 'string' },
    }, ['id', 'kind', 'name', 'configured', 'baseUrl', 'circuit', 'lastSuccessAt', 'lastFailureAt', 'lastErrorCode', 'health', 'healthReason']),
  },
}, ['checkedAt', 'adapters']));

/** `GET /v1/ops/adapters`: every upstream adapter, its configuration, circuit, last outcomes and health. */
export function opsAdapterRoutes(sources: AdapterHealthSources): Route[] {
  return [{
    method: 'GET', path: '/v1/ops/adapters', access: OPS_READ, summary: 'Upstream adapters: base URL, circuit, last success and failure, health',
    description: 'One entry per upstream adapter — the matter system (its sync runs), the licence library (its licence issuance jobs), the e-seal platform, the identity platform, '
      + 'the payment platform (its payments: notices created, pulled, refunded), the mail service (its postings: waybills created and tracked), the 好差评 system (its evaluation pushes), '
      + 'the data-sharing exchange and each department channel (its delivery attempts). '
      + 'Health, first match wins: `down` when not configured or its circuit is open; `degraded` when its circuit is half-open or the most recent outcome on record is a failure; `up` otherwise. '
      + 'A worker\'s job keeps the outcome of its latest call only, so for those upstreams the last success is the newest change of a job whose latest call succeeded, the last failure that of one whose latest call failed. '
      + 'The gateway keeps no per-call record of the seal platform, the identity platform and the data-sharing exchange (nor of the licence library\'s reads): they are called within the request that needs them, so their last success and failure are null.',
    responses: { 200: { description: 'The adapters, in a fixed order: matter system, licence library, seal platform, identity platform, payment platform, mail service (EMS), 好差评 system, data-sharing exchange, then the departments in registry order', schema: adapterList } },
    handler: async (_req, res) => {
      res.json({ checkedAt: new Date().toISOString(), adapters: await adapterHealth(sources) });
    },
  }];
}
