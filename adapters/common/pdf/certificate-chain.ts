/**
 * Does a signer certificate chain to one of the trust anchors? Built with
 * node:crypto X509Certificate: each link must name its issuer (names and key
 * identifiers, `checkIssued`), carry its issuer's signature (`verify`), be a
 * CA when it issues, and be valid at the time of the check.
 */
import { X509Certificate } from 'node:crypto';

/** Result of {@link checkChain}. */
export interface ChainCheck {
  trusted: boolean;
  problems: string[];
}

const MAXIMUM_DEPTH = 8;

function validAt(certificate: X509Certificate, at: Date): boolean {
  return new Date(certificate.validFrom).getTime() <= at.getTime() && at.getTime() <= new Date(certificate.validTo).getTime();
}

/** Parses PEM trust anchors; a PEM that is not a certificate is skipped (and reported). */
export function parseAnchors(anchorsPem: readonly string[]): { anchors: X509Certificate[]; problems: string[] } {
  const anchors: X509Certificate[] = [];
  const problems: string[] = [];
  for (const pem of anchorsPem) {
    try {
      anchors.push(new X509Certificate(pem));
    } catch {
      problems.push('a trust anchor is not a PEM certificate');
    }
  }
  return { anchors, problems };
}

/**
 * Walks from `leaf` up through `intermediates` to an anchor.
 * @param at the time at which every certificate must be valid (default now)
 */
export function checkChain(leaf: X509Certificate, intermediates: readonly X509Certificate[], anchors: readonly X509Certificate[], at = new Date()): ChainCheck {
  const problems: string[] = [];
  if (anchors.length === 0) return { trusted: false, problems: ['no trust anchors were given'] };
  const isAnchor = (certificate: X509Certificate) => anchors.some((anchor) => anchor.fingerprint256 === certificate.fingerprint256);
  let current = leaf;
  for (let depth = 0; depth <= MAXIMUM_DEPTH; depth += 1) {
    if (!validAt(current, at)) {
      problems.push(`certificate "${current.subject.replace(/\n/g, ', ')}" is not valid at ${at.toISOString()} (${current.validFrom} – ${current.validTo})`);
      return { trusted: false, problems };
    }
    if (isAnchor(current)) return { trusted: true, problems };
    const issuer = [...anchors, ...intermediates].find((candidate) => candidate !== current
      && candidate.fingerprint256 !== current.fingerprint256
      && candidate.ca
      && current.checkIssued(candidate)
      && current.verify(candidate.publicKey));
    if (issuer === undefined) {
      problems.push(`no trusted issuer found for "${current.issuer.replace(/\n/g, ', ')}"`);
      return { trusted: false, problems };
    }
    current = issuer;
  }
  problems.push('certificate chain is too long');
  return { trusted: false, problems };
}
