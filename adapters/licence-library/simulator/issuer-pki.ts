/**
 * Development PKI of the simulated issuers: one CA (the trust anchor the
 * adapter is configured with) and one RSA signing certificate per issuing
 * authority, subject CN = O = the authority's name, packed as PKCS#12 for
 * sealing PDFs. Certificates are issued lazily (forge takes ~0.3 s each) and
 * a PKI can be shared by several simulators in one process.
 */
import { createDevelopmentCa, issueCertificate, toPkcs12, type CertificateAuthority } from '../../../src/trust/index.js';
import type { IssuingAuthority } from '../../common/population/index.js';

export interface IssuerCredentials {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** PKCS#12 with the key, the certificate and the CA. */
  readonly p12: Buffer;
  readonly passphrase: string;
}

export interface IssuerPki {
  /** The CA certificate: the trust anchor for data and file signatures. */
  readonly caCertificatePem: string;
  /** The issuer's credentials, issued on first use. */
  credentials(issuer: IssuingAuthority): IssuerCredentials;
  /** Issues the credentials of all these issuers now, so no request waits for them. */
  warm(issuers: readonly IssuingAuthority[]): void;
}

/** Passphrase of the issuers' PKCS#12 files (development only; printable ASCII as toPkcs12 requires). */
const DEVELOPMENT_PASSPHRASE = 'licence-library-dev';

/** Creates a PKI with a fresh CA, or around a given one (the sandbox keeps its CA under certs/dev). */
export function createIssuerPki(ca?: CertificateAuthority): IssuerPki {
  const authority = ca ?? createDevelopmentCa({ commonName: '通办开发电子证照签发CA', organizationName: 'Tongban development' });
  const issued = new Map<string, IssuerCredentials>();
  return {
    caCertificatePem: authority.certificatePem,
    warm(issuers) {
      for (const issuer of issuers) this.credentials(issuer);
    },
    credentials(issuer) {
      let credentials = issued.get(issuer.creditCode);
      if (!credentials) {
        const certificate = issueCertificate(authority, { commonName: issuer.name, organizationName: issuer.name, usage: 'signing', validityDays: 3650 });
        credentials = {
          certificatePem: certificate.certificatePem,
          privateKeyPem: certificate.privateKeyPem!,
          p12: toPkcs12(certificate.certificatePem, certificate.privateKeyPem!, [authority.certificatePem], DEVELOPMENT_PASSPHRASE, issuer.name),
          passphrase: DEVELOPMENT_PASSPHRASE,
        };
        issued.set(issuer.creditCode, credentials);
      }
      return credentials;
    },
  };
}

let shared: IssuerPki | undefined;

/** One development PKI per process, used by simulators not given their own. */
export function sharedIssuerPki(): IssuerPki {
  shared ??= createIssuerPki();
  return shared;
}
