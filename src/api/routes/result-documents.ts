import { TongbanError } from '../../errors/index.js';
import type { Store } from '../../store/index.js';
import type { Route } from './route.js';
import { RESULTS_HELD_SQL } from '../../payments/read-payments.js';

/** `GET /v1/applications/{id}/documents/{documentId}`: a sealed result document (PDF), for the applicant's platform or ops. */
export function resultDocumentRoutes(deps: { store: Store }): Route[] {
  return [{
    method: 'GET', path: '/v1/applications/:applicationId/documents/:documentId', access: { roles: ['platform', 'counter', 'ops'] },
    summary: 'A result document the department returned, sealed by its e-seal (application/pdf)',
    responses: {
      200: {
        description: 'The sealed PDF', contentType: 'application/pdf', schema: { type: 'string', contentMediaType: 'application/pdf' },
        headers: { 'Content-Disposition': '`attachment; filename*=UTF-8\'\'<name>.pdf`' },
      },
    },
    errors: ['NOT_FOUND', 'PAYMENT_REQUIRED'],
    handler: async (req, res) => {
      const { rows } = await deps.store.query<{ name: string; pdf: Buffer | Uint8Array; client_id: string; held: boolean | number }>(
        `SELECT r.name, r.pdf, a.client_id, ${RESULTS_HELD_SQL} AS held FROM result_documents r
           JOIN sub_applications s ON s.id = r.sub_application_id JOIN applications a ON a.id = s.application_id
          WHERE r.id = $1 AND a.id = $2`, [String(req.params['documentId']), String(req.params['applicationId'])]);
      const row = rows[0];
      if (!row || (req.client!.role !== 'ops' && row.client_id !== req.client!.id)) throw new TongbanError('NOT_FOUND', `No document ${String(req.params['documentId'])} in application ${String(req.params['applicationId'])}`);
      if (row.held && req.client!.role !== 'ops') throw new TongbanError('PAYMENT_REQUIRED', 'The fee of this matter is unpaid: its results are released once it is paid (see the application\'s payments)');
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${row.name}.pdf`)}`);
      res.setHeader('Cache-Control', 'no-store');
      res.type('application/pdf').send(Buffer.from(row.pdf));
    },
  }];
}
