/** Ops views of materials: overdue deferrals (容缺), 补正 requests by status, commitments (告知承诺) reported untrue. */
import { chinaDate } from '../../cases/working-days.js';
import { validationError } from '../../errors/index.js';
import { decodeCursor } from '../../ops/cursor.js';
import { COMMITMENT_REPORTS_CURSOR, listCommitmentReports, listSupplementRequests, MATERIALS_CURSOR, overdueMaterials, SUPPLEMENTS_CURSOR } from '../../ops/material-deadlines.js';
import type { Queryable } from '../../store/index.js';
import { cursorQuery, limitQuery, query } from '../openapi/parameters.js';
import { commitmentReportList, outstandingMaterialList, supplementRequestList } from '../openapi/schemas/supplements.js';
import { type Route, OPS_READ } from './route.js';
import { readLimit } from './read-limit.js';

const ops = { roles: ['ops'] as const };
const STATUSES = ['open', 'supplied', 'expired'] as const;

/** Read-only routes: `reader` is the ops reader (off the request loop) or the store. */
export function opsMaterialRoutes(deps: { reader: Queryable }): Route[] {
  const { reader } = deps;
  return [
    {
      method: 'GET', path: '/v1/ops/outstanding-materials', access: OPS_READ,
      summary: 'Deferred (容缺) materials past their due date and not supplied, with the sub-applications that deferred them',
      parameters: [limitQuery(500, 1000), cursorQuery],
      responses: { 200: { description: 'Overdue deferred materials, earliest due date first', schema: outstandingMaterialList } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const limit = readLimit(req.query['limit'], 500, 1000);
        res.json(await overdueMaterials(reader, chinaDate(), { limit, after: decodeCursor(req.query['cursor'], MATERIALS_CURSOR.list, MATERIALS_CURSOR.shape) }));
      },
    },
    {
      method: 'GET', path: '/v1/ops/supplements', access: OPS_READ,
      summary: '补正 requests by status (?status=expired, the default: deadlines passed unanswered, the department decides)',
      parameters: [query('status', 'open, supplied or expired (default expired)', { enum: [...STATUSES] }), limitQuery(100, 1000), cursorQuery],
      responses: { 200: { description: 'Requests, earliest deadline first', schema: supplementRequestList } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const status = req.query['status'] === undefined ? 'expired' : String(req.query['status']);
        if (!STATUSES.includes(status as never)) throw validationError([{ pointer: '/status', message: `must be one of ${STATUSES.join(', ')}` }]);
        const limit = readLimit(req.query['limit'], 100, 1000);
        const after = decodeCursor(req.query['cursor'], SUPPLEMENTS_CURSOR.list, SUPPLEMENTS_CURSOR.shape);
        res.json(await listSupplementRequests(reader, { status: status as (typeof STATUSES)[number], limit, after }, chinaDate()));
      },
    },
    {
      method: 'GET', path: '/v1/ops/commitment-reports', access: OPS_READ,
      summary: 'Commitments (告知承诺) departments reported untrue (event commitment_false), newest first',
      parameters: [limitQuery(100, 1000), cursorQuery],
      responses: { 200: { description: 'Reports', schema: commitmentReportList } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const limit = readLimit(req.query['limit'], 100, 1000);
        res.json(await listCommitmentReports(reader, { limit, after: decodeCursor(req.query['cursor'], COMMITMENT_REPORTS_CURSOR.list, COMMITMENT_REPORTS_CURSOR.shape) }));
      },
    },
  ];
}
