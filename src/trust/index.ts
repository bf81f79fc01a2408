/**
 * Trust: Tongban signature v1 (signed requests and answers), content digests,
 * and the document-signing helpers (CMS, development CA, PKCS#12).
 */
export {
  SIGNATURE_ALGORITHMS,
  SM2_USER_ID,
  generateKeyPair,
  isSignatureAlgorithm,
  jwkThumbprint,
  keyFitsAlgorithm,
  toPublicJwk,
  type GeneratedKeyPair,
  type PrivateJwk,
  type PublicJwk,
  type SignatureAlgorithm,
} from './algorithms.js';
export {
  CONTENT_DIGEST_HEADER,
  REQUEST_TYP,
  RESPONSE_TYP,
  SIGNATURE_HEADER,
  TONGBAN_AUDIENCE,
  type HeaderMap,
  type RequestClaims,
  type ResponseClaims,
  type SignatureHeaders,
} from './claims.js';
export { checkContentDigest, contentDigest, parseContentDigest } from './content-digest.js';
export { decodeProtectedHeader, decodeUnverifiedPayload, signCompact, verifyCompact, type JwsHeader, type SigningHeader, type VerifiedCompact } from './jws.js';
export { sm2Sign, sm2Verify } from './sm2.js';
export { signRequest, type SignRequestOptions } from './sign-request.js';
export { verifyRequest, type IncomingSignedRequest, type VerifiedRequest, type VerifyRequestOptions, type VerifyingClient } from './verify-request.js';
export { signResponse, type SignResponseOptions } from './sign-response.js';
export { verifyResponse, type IncomingSignedResponse, type VerifiedResponse, type VerifyResponseOptions } from './verify-response.js';
export {
  createSigningClient,
  jwks,
  type FetchFunction,
  type SigningClient,
  type SigningClientOptions,
  type SigningClientResponse,
  type SigningRequestOptions,
} from './signing-client.js';
export { signDetached, type SignDetachedOptions } from './cms.js';
export {
  createDevelopmentCa,
  issueCertificate,
  readPkcs12,
  toPkcs12,
  type CertificateAndKey,
  type CertificateAuthority,
  type DevelopmentCaOptions,
  type IssueCertificateOptions,
  type Pkcs12Contents,
} from './dev-ca.js';
