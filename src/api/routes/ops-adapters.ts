import { adapterHealth, type AdapterHealthSources } from '../../ops/adapter-health.js';
import { component } from '../openapi/components.js';
import { departmentCode, instant, nullableInstant, openObject } from '../openapi/schemas/common.js';
import type { Route } from './route.js';

const adapterList = component('AdapterList', openObject({
  checkedAt: instant,
  adapters: {
    type: 'array',
    items: openObject({
      id: { type: 'string', description: '`matter-system`, `licence-library`, `seal-platform`, `department:<code>`' },
      kind: { enum: ['matter-system', 'licence-library', 'seal-platform', 'department'] },
      name: { type: 'string', description: 'e.g. 省事项系统, or the department\'s official name' },
      department: departmentCode,
      channel: { enum: ['rest', 'soap', 'inbox'] },
      configured: { type: 'boolean' },
      baseUrl: { type: ['string', 'null'], description: 'Configured base URL without credentials, query or fragment; null when none (an inbox department calls Tongban)' },
      circuit: { enum: ['closed', 'open', 'halfOpen', null], description: 'The department\'s circuit breaker in the answering replica; null without one (inbox, other adapters) or when the replica runs no dispatcher' },
      lastSuccessAt: nullableInstant,
      lastFailureAt: nullableInstant,
      lastErrorCode: { type: ['string', 'null'], description: 'Error code of the last failure on record (delivery attempt or sync run)' },
      health: { enum: ['up', 'degraded', 'down'], description: '`down`: not configured, or circuit open; `degraded`: circuit half-open, or the most recent outcome on record is a failure; `up`: otherwise (also with nothing on record)' },
      healthReason: { type: 'string' },
    }, ['id', 'kind', 'name', 'configured', 'baseUrl', 'circuit', 'lastSuccessAt', 'lastFailureAt', 'lastErrorCode', 'health', 'healthReason']),
  },
}, ['checkedAt', 'adapters']));

/** `GET /v1/ops/adapters`: every upstream adapter, its configuration, circuit, last outcomes and health. */
export function opsAdapterRoutes(sources: AdapterHealthSources): Route[] {
  return [{
    method: 'GET', path: '/v1/ops/adapters', access: { roles: ['ops'] }, summary: 'Upstream adapters: base URL, circuit, last success and failure, health',
    description: 'One entry per upstream adapter — the matter system (its sync runs), the licence library, the e-seal platform and each department channel (its delivery attempts). '
      + 'Health, first match wins: `down` when not configured or its circuit is open; `degraded` when its circuit is half-open or the most recent outcome on record is a failure; `up` otherwise. '
      + 'The gateway keeps no per-call record of the licence library and the seal platform, so their last success and failure are null.',
    responses: { 200: { description: 'The adapters, in a fixed order (matter system, licence library, seal platform, departments)', schema: adapterList } },
    handler: async (_req, res) => {
      res.json({ checkedAt: new Date().toISOString(), adapters: await adapterHealth(sources) });
    },
  }];
}
