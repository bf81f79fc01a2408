import { TongbanError } from '../../errors/index.js';
import type { SealService } from '../../domain/seal-service.js';
import { PUBLIC, type Route } from './route.js';

/** Where the seal platform's CA certificates are served: public, like every trust anchor. */
export const SEAL_CA_PATH = '/.well-known/tongban/seal-ca.pem';

/** RFC 8555 §9.1: a PEM chain of certificates. */
const PEM_CHAIN = 'application/pem-certificate-chain';

/**
 * `/.well-known/tongban/seal-ca.pem`: the CA certificates that the seals on
 * result documents chain to. The seal platform hands them out only to
 * authenticated apps; a relying party (citizen, bank, another department)
 * verifying a downloaded sealed PDF with `pdfsig` or `openssl cms -verify`
 * needs them without any credential.
 */
export function sealCaRoutes(deps: { sealService?: SealService | undefined }): Route[] {
  return [{
    method: 'GET', path: SEAL_CA_PATH, access: PUBLIC, summary: 'The e-seal platform CA certificates that sealed result documents verify against (PEM bundle)',
    description: 'The trust anchors of the sealed result documents served by `GET /v1/applications/{id}/documents/{documentId}`: every seal certificate chains to one of them. '
      + 'They are the CA certificates configured in `TONGBAN_SEAL_PLATFORM_TRUST_ANCHORS_FILE`, else those the e-seal platform hands Tongban over its authenticated channel. '
      + 'Verify a sealed PDF with `openssl cms -verify -binary -inform DER -content <signed byte ranges> -CAfile seal-ca.pem -purpose any -in <CMS from /Contents>`, '
      + 'or import them into an NSS database (`certutil -A -t CT,C,C`) for `pdfsig -nssdir`.',
    responses: {
      200: {
        description: 'One or more PEM certificates, concatenated (cacheable for an hour)',
        contentType: PEM_CHAIN,
        schema: { type: 'string' },
        example: '-----BEGIN CERTIFICATE-----\nMIIDWjCCAkKgAwIBAgIQG3Xi…\n-----END CERTIFICATE-----\n',
      },
    },
    errors: ['SERVICE_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
    handler: async (_req, res) => {
      if (!deps.sealService) throw new TongbanError('SERVICE_UNAVAILABLE', 'No e-seal platform is configured (TONGBAN_SEAL_PLATFORM_URL): Tongban seals no documents, so it has no seal CA to serve');
      const certificates = await deps.sealService.caCertificates();
      const bundle = certificates.map((pem) => `${pem.replaceAll('\r\n', '\n').trim()}\n`).join('');
      res.setHeader('Content-Type', PEM_CHAIN);
      res.setHeader('Cache-Control', 'public, max-age=3600');
      res.send(bundle);
    },
  }];
}
