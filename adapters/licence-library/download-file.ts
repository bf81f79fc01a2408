/**
 * Fetching a licence's sealed file: ask for a temporary URL (valid ~600 s,
 * one token in the URL), GET it, and verify the issuer's PDF seal against
 * the trust anchors. The URL must stay on the library's own origin (a
 * library answer must not make the gateway fetch arbitrary hosts). A URL
 * that expired between the two calls (HTTP 410) is asked for once more.
 */
import type { AxiosInstance } from 'axios';
import type { Licence, LicenceFile } from '../../src/domain/licence-library.js';
import { statusError, transportError } from '../common/http-client.js';
import { verifyPdfSignatures } from '../common/pdf/index.js';
import { PATHS, validateFileUrlData } from './licence-library-api.js';
import type { LibraryClient } from './licence-library-client.js';
import { malformedError } from './licence-library-error.js';
import { withFileSignature } from './verify-licence.js';

const OPERATION = 'downloadFile';

export interface DownloadContext {
  readonly client: LibraryClient;
  readonly http: AxiosInstance;
  readonly baseUrl: string;
  readonly trustAnchorsPem: readonly string[];
  readonly now: () => Date;
}

export async function downloadLicenceFile(context: DownloadContext, licence: Licence, useCause: string): Promise<LicenceFile> {
  let bytes: Buffer | undefined;
  for (let attempt = 1; bytes === undefined; attempt++) {
    const url = await temporaryUrl(context, licence.identifier, useCause);
    bytes = await fetchFile(context, url, attempt === 1);
  }
  if (bytes.subarray(0, 1024).indexOf('%PDF-') < 0 || bytes.lastIndexOf('%%EOF') < 0) {
    throw malformedError(OPERATION, 'the file is not a complete PDF');
  }
  const result = verifyPdfSignatures(bytes, context.trustAnchorsPem, { at: context.now() });
  const problems = [...result.problems];
  // The seal must be the issuer's own: a valid seal of another authority does not make the licence genuine.
  const last = result.signatures[result.signatures.length - 1];
  const sealedByIssuer = last !== undefined && last.signerName === licence.issuer.name;
  if (last !== undefined && !sealedByIssuer) problems.push(`file is sealed by "${last.signerName}", not by the issuer "${licence.issuer.name}"`);
  const fileSignature = result.valid && sealedByIssuer;
  return {
    licence: withFileSignature(licence, fileSignature, fileSignature ? [] : problems.map((problem) => `file: ${problem}`)),
    contentType: 'application/pdf',
    bytes,
    signatures: result.signatures.map((signature) => ({
      signerName: signature.signerName,
      integrity: signature.integrity,
      certificateTrusted: signature.certificateTrusted,
      coversWholeDocument: signature.coversWholeDocument,
      signedAt: signature.signedAt,
    })),
  };
}

async function temporaryUrl(context: DownloadContext, identifier: string, useCause: string): Promise<string> {
  const data = await context.client.call(OPERATION, PATHS.getFileUrl, { certificateIdentifier: identifier, useCause }, validateFileUrlData);
  if (!data) throw malformedError(OPERATION, 'no file URL in the answer');
  let url: URL;
  try {
    url = new URL(data.fileUrl, context.baseUrl);
  } catch {
    throw malformedError(OPERATION, `fileUrl "${data.fileUrl}" is not a URL`);
  }
  const base = new URL(context.baseUrl);
  if (url.origin !== base.origin || !url.pathname.startsWith(`${PATHS.filePrefix}/`)) {
    throw malformedError(OPERATION, `fileUrl "${data.fileUrl}" is not on the library's own file path`);
  }
  return url.toString();
}

/** The file's bytes, or `undefined` when the URL expired and another may be asked for. */
async function fetchFile(context: DownloadContext, url: string, mayRetry: boolean): Promise<Buffer | undefined> {
  let response;
  try {
    response = await context.http.get<ArrayBuffer>(url, { responseType: 'arraybuffer', baseURL: '' });
  } catch (error) {
    throw transportError('licence-library', OPERATION, error);
  }
  if (response.status === 410 && mayRetry) return undefined;
  if (response.status < 200 || response.status >= 300) throw statusError('licence-library', OPERATION, response.status);
  return Buffer.from(response.data);
}
