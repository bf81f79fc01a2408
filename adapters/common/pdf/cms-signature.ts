/**
 * Checks a detached CMS (PKCS#7) SignedData over some bytes: node-forge only
 * PARSES the structure (it cannot verify PKCS#7), node:crypto hashes and
 * verifies. RFC 5652 §5.4: when signed attributes are present, the signature
 * covers their DER encoding as a SET OF (tag 0x31), not the [0] IMPLICIT
 * form found in the SignerInfo, and the messageDigest attribute must equal
 * the digest of the content.
 */
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

const asn1 = forge.asn1;
type Node = forge.asn1.Asn1;
/** forge 1.x takes parse options; @types/node-forge only knows the old `strict` boolean. */
const fromDer = asn1.fromDer as unknown as (bytes: string, options: { parseAllBytes?: boolean; decodeBitStrings?: boolean }) => Node;

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

/** Digest algorithm OIDs → node:crypto hash names. */
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.2.156.10197.1.401': 'sm3',
};

/** Signature algorithms node:crypto verifies with the digest named by digestAlgorithm (PKCS#1 v1.5 RSA, ECDSA). */
const SIGNATURE_ALGORITHMS = new Set([
  '1.2.840.113549.1.1.1', '1.2.840.113549.1.1.5', '1.2.840.113549.1.1.11', '1.2.840.113549.1.1.12', '1.2.840.113549.1.1.13',
  '1.2.840.10045.2.1', '1.2.840.10045.4.3.2', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4',
]);

/** What a CMS signature says about the bytes it covers. */
export interface CmsCheck {
  /** The certificate of the signer (matched by issuer and serial number), if the CMS carries it. */
  signer?: X509Certificate;
  /** Every certificate embedded in the CMS (signer and chain). */
  certificates: X509Certificate[];
  /** Digest matches and the signature verifies with the signer's key. */
  integrity: boolean;
  /** signingTime signed attribute (ISO 8601). */
  signedAt?: string;
  problems: string[];
}

const isContext = (node: Node | undefined, type: number) => node?.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === type;
const children = (node: Node | undefined): Node[] => (Array.isArray(node?.value) ? (node.value as Node[]) : []);
const bytes = (node: Node | undefined): string => (typeof node?.value === 'string' ? node.value : '');
const der = (node: Node): Buffer => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const oid = (node: Node | undefined): string => (node?.type === asn1.Type.OID ? asn1.derToOid(bytes(node)) : '');

/** Hex of an INTEGER's magnitude, upper-case, without leading zeros (as X509Certificate.serialNumber). */
function serialHex(value: string): string {
  return Buffer.from(value, 'binary').toString('hex').toUpperCase().replace(/^0+(?=.)/, '');
}

/** The issuer Name of a DER certificate, re-encoded, to compare with an IssuerAndSerialNumber. */
function issuerDer(certificate: X509Certificate): Buffer | undefined {
  try {
    const tbs = children(children(fromDer(certificate.raw.toString('binary'), { decodeBitStrings: false }))[0]);
    const offset = isContext(tbs[0], 0) ? 1 : 0; // [0] EXPLICIT version is optional
    const issuer = tbs[offset + 2];
    return issuer === undefined ? undefined : der(issuer);
  } catch {
    return undefined;
  }
}

function toDate(node: Node): Date | undefined {
  try {
    if (node.type === asn1.Type.UTCTIME) return asn1.utcTimeToDate(bytes(node));
    if (node.type === asn1.Type.GENERALIZEDTIME) return asn1.generalizedTimeToDate(bytes(node));
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Verifies a detached CMS SignedData (DER, trailing zero padding allowed)
 * over `content`. Checks only the maths (digest and signature); whether the
 * signer is trusted is certificate-chain.ts's job. Never throws.
 */
export function checkDetachedCms(cms: Buffer, content: Buffer): CmsCheck {
  const result: CmsCheck = { certificates: [], integrity: false, problems: [] };
  let contentInfo: Node;
  try {
    contentInfo = fromDer(cms.toString('binary'), { parseAllBytes: false, decodeBitStrings: false });
  } catch (error) {
    result.problems.push(`signature is not DER: ${(error as Error).message}`);
    return result;
  }
  if (oid(children(contentInfo)[0]) !== OID.signedData) {
    result.problems.push('signature is not a CMS SignedData');
    return result;
  }
  const signedData = children(children(contentInfo)[1])[0];
  const parts = children(signedData);
  for (const node of children(parts.find((part) => isContext(part, 0)))) {
    try {
      result.certificates.push(new X509Certificate(der(node)));
    } catch {
      result.problems.push('an embedded certificate cannot be parsed');
    }
  }
  const signerInfos = children(parts[parts.length - 1]);
  if (signerInfos.length !== 1) {
    result.problems.push(`signature has ${signerInfos.length} signer infos, expected 1`);
    if (signerInfos.length === 0) return result;
  }
  const signerInfo = children(signerInfos[0]);
  const [, sid, digestAlgorithm] = signerInfo;
  const signedAttributes = signerInfo.find((node) => isContext(node, 0));
  const afterAttributes = signerInfo.slice(signedAttributes === undefined ? 3 : 4);
  const signatureAlgorithm = oid(children(afterAttributes[0])[0]);
  const signatureValue = Buffer.from(bytes(afterAttributes[1]), 'binary');

  // Signer: IssuerAndSerialNumber, as NSS and OpenSSL look it up.
  const [sidIssuer, sidSerial] = children(sid);
  if (sid?.tagClass === asn1.Class.UNIVERSAL && sidIssuer !== undefined && sidSerial !== undefined) {
    const wantedIssuer = der(sidIssuer);
    const wantedSerial = serialHex(bytes(sidSerial));
    result.signer = result.certificates.find((certificate) => certificate.serialNumber.toUpperCase().replace(/^0+(?=.)/, '') === wantedSerial
      && issuerDer(certificate)?.equals(wantedIssuer) === true);
  }
  if (result.signer === undefined) {
    result.problems.push('the signer certificate named by the signature is not embedded in it');
    return result;
  }

  const hash = DIGESTS[oid(children(digestAlgorithm)[0])];
  if (hash === undefined) {
    result.problems.push(`digest algorithm ${oid(children(digestAlgorithm)[0])} is not supported`);
    return result;
  }
  if (!SIGNATURE_ALGORITHMS.has(signatureAlgorithm)) {
    result.problems.push(`signature algorithm ${signatureAlgorithm} is not supported`);
    return result;
  }
  const contentDigest = createHash(hash).update(content).digest();
  let signedBytes: Buffer = content;
  let contentTypeOk = true;
  if (signedAttributes !== undefined) {
    let messageDigest: Buffer | undefined;
    let contentType: string | undefined;
    for (const attribute of children(signedAttributes)) {
      const [type, values] = children(attribute);
      const value = children(values)[0];
      if (value === undefined) continue;
      const kind = oid(type);
      if (kind === OID.messageDigest) messageDigest = Buffer.from(bytes(value), 'binary');
      else if (kind === OID.contentType) contentType = oid(value);
      else if (kind === OID.signingTime) result.signedAt = toDate(value)?.toISOString();
    }
    if (contentType !== OID.data) {
      contentTypeOk = false;
      result.problems.push('signed attribute contentType is missing or not id-data');
    }
    if (messageDigest === undefined || !messageDigest.equals(contentDigest)) {
      result.problems.push('the document bytes do not match the signed digest (messageDigest)');
      return result;
    }
    signedBytes = der(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, children(signedAttributes)));
  }
  let verified = false;
  try {
    verified = verifySignature(hash, signedBytes, result.signer.publicKey, signatureValue);
  } catch (error) {
    result.problems.push(`signature cannot be verified: ${(error as Error).message}`);
    return result;
  }
  if (!verified) result.problems.push('the signature does not verify with the signer certificate');
  // A wrong content type does not break the maths, but the signature is not over a plain document.
  result.integrity = verified && contentTypeOk;
  return result;
}
