/**
 * Issuers' signing certificates, parsed and chain-checked once: a licence
 * carries its issuer's certificate (base64 DER), and an issuer signs many
 * licences with the same one, so parsing it (`new X509Certificate`) and
 * checking it against the trust anchors for every licence verified was
 * most of the adapter's cost.
 *
 * Only a certificate whose chain verified is remembered, keyed by the
 * SHA-256 of its DER bytes (any other certificate, or any changed byte, is
 * a different key and is checked in full), with its validity window — which
 * is still checked against the instant of every use, as is the issuer name
 * the licence states. The cache is a bounded LRU: at most `maxEntries`
 * certificates (default 1024; a province has a few hundred issuing
 * authorities); the least recently used goes first.
 *
 * It also remembers the licences whose data signature verified (a holder's
 * licences are looked up again and again for each matter): keyed by the
 * SHA-256 of the licence's metadata exactly as received (every member,
 * signature and certificate included, so any changed byte is a different
 * key and is verified in full), at most `maxSignatures` (default 65,536;
 * 32 bytes each). Only the RSA verification and the canonical JSON are
 * skipped: the certificate's checks above still run for every use.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';

/** A signing certificate that chains to a trust anchor. */
export interface TrustedCertificate {
  /** Subject, lines joined by ", " (for messages). */
  readonly subject: string;
  /** CN and O values of the subject. */
  readonly subjectNames: readonly string[];
  /** Unix ms. */
  readonly validFrom: number;
  readonly validTo: number;
  /** As printed by node:crypto, for messages. */
  readonly validFromText: string;
  readonly validToText: string;
  readonly publicKey: KeyObject;
}

/** Outcome of {@link IssuerCertificates.check}. */
export type CertificateCheck = { ok: true; certificate: TrustedCertificate } | { ok: false; problem: string };

export interface IssuerCertificatesOptions {
  /** Most certificates remembered. Default 1024; 0 remembers none. */
  maxEntries?: number;
  /** Most verified data signatures remembered. Default 65,536; 0 remembers none. */
  maxSignatures?: number;
}

/** The trust anchors and the signing certificates already found to chain to them. */
export class IssuerCertificates {
  private readonly verified = new Map<string, TrustedCertificate>();
  private readonly maxEntries: number;
  private readonly signatures = new Set<string>();
  private readonly maxSignatures: number;
  /** Certificates parsed and chain-checked (cache misses), for tests and ops. */
  parsed = 0;
  /** Data signatures verified in full (cache misses), for tests and ops. */
  signaturesVerified = 0;

  constructor(private readonly anchors: readonly X509Certificate[], options: IssuerCertificatesOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1024;
    this.maxSignatures = options.maxSignatures ?? 65_536;
  }

  /** Whether verified data signatures are remembered at all. */
  get remembersSignatures(): boolean {
    return this.maxSignatures > 0;
  }

  /** Whether the licence metadata with this digest had its data signature verified before (and marks it recently used). */
  signatureVerifiedBefore(digest: string): boolean {
    if (!this.signatures.delete(digest)) return false;
    this.signatures.add(digest);
    return true;
  }

  /** Remembers that the data signature of the licence metadata with this digest verified. */
  rememberSignature(digest: string): void {
    if (this.maxSignatures <= 0) return;
    if (this.signatures.size >= this.maxSignatures) this.signatures.delete(this.signatures.values().next().value!);
    this.signatures.add(digest);
  }

  /** Certificates remembered now. */
  get size(): number {
    return this.verified.size;
  }

  /**
   * Checks a signing certificate (base64 DER) for a licence that names
   * `issuerName`, at the instant `at`: it parses, names the issuer (subject
   * CN or O), is valid at `at`, and is issued by a trust anchor. Never throws.
   */
  check(certificateBase64: string, issuerName: string, at: Date): CertificateCheck {
    const der = Buffer.from(certificateBase64, 'base64');
    const key = createHash('sha256').update(der).digest('hex');
    let certificate = this.verified.get(key);
    if (certificate) {
      // Most recently used last: the first in the map is the one to evict.
      this.verified.delete(key);
      this.verified.set(key, certificate);
    } else {
      let parsed: X509Certificate;
      try {
        parsed = new X509Certificate(der);
      } catch {
        return { ok: false, problem: 'data_signature_certificate is not a DER certificate' };
      }
      this.parsed += 1;
      const candidate = describe(parsed);
      // The same checks, in the same order, as for a remembered certificate; only the chain is not re-checked once it held.
      const early = useProblem(candidate, issuerName, at);
      if (early) return { ok: false, problem: early };
      const trusted = this.anchors.some((anchor) => anchor.ca && parsed.checkIssued(anchor) && parsed.verify(anchor.publicKey));
      if (!trusted) return { ok: false, problem: `signing certificate "${candidate.subject}" is not issued by a trust anchor` };
      certificate = candidate;
      this.remember(key, certificate);
      return { ok: true, certificate };
    }
    const problem = useProblem(certificate, issuerName, at);
    return problem ? { ok: false, problem } : { ok: true, certificate };
  }

  private remember(key: string, certificate: TrustedCertificate): void {
    if (this.maxEntries <= 0) return;
    if (this.verified.size >= this.maxEntries) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(key, certificate);
  }
}

/** What makes a certificate unfit for this use: it does not name the issuer, or is not valid at `at`. */
function useProblem(certificate: TrustedCertificate, issuerName: string, at: Date): string | undefined {
  if (!certificate.subjectNames.includes(issuerName)) return `signing certificate "${certificate.subject}" does not name the issuer "${issuerName}"`;
  const time = at.getTime();
  if (time < certificate.validFrom || time > certificate.validTo) {
    return `signing certificate is not valid at ${at.toISOString()} (${certificate.validFromText} – ${certificate.validToText})`;
  }
  return undefined;
}

function describe(certificate: X509Certificate): TrustedCertificate {
  return {
    subject: certificate.subject.replace(/\n/g, ', '),
    subjectNames: certificate.subject.split('\n')
      .filter((line) => line.startsWith('CN=') || line.startsWith('O='))
      .map((line) => line.slice(line.indexOf('=') + 1).replace(/\\(.)/g, '$1')),
    validFrom: new Date(certificate.validFrom).getTime(),
    validTo: new Date(certificate.validTo).getTime(),
    validFromText: certificate.validFrom,
    validToText: certificate.validTo,
    publicKey: certificate.publicKey,
  };
}
