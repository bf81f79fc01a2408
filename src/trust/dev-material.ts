/**
 * Development keys and certificates (`tongban keys init`): a development CA,
 * Tongban's signing keyring and document-signing certificate, and one key per
 * development client, written under `certs/dev/` (git-ignored).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../domain/clients.js';
import { generateKeyPair, type SignatureAlgorithm } from './algorithms.js';
import type { ClientDeclaration } from './client-registry.js';
import { createDevelopmentCa, issueCertificate, toPkcs12 } from './dev-ca.js';
import { createKeyring } from './keyring.js';

/** Passphrase of the development PKCS#12 files. Development only: production passphrases come from the environment. */
export const DEV_P12_PASSPHRASE = 'tongban-dev';

/** File names inside the certs folder. */
export const CERT_FILES = {
  caCertificate: 'ca.cert.pem',
  caKey: 'ca.key.pem',
  keyring: 'tongban-keyring.json',
  documentCertificate: 'tongban-document.cert.pem',
  documentKey: 'tongban-document.key.pem',
  documentP12: 'tongban-document.p12',
  clients: 'clients.json',
  sealCaCertificate: 'seal-ca.cert.pem',
  sealCaKey: 'seal-ca.key.pem',
} as const;

export interface DevClientSpec {
  id: string;
  role: Role;
  department?: string;
  /** For a counter client: its service hall. */
  hall?: string;
  name: string;
  algorithm: SignatureAlgorithm;
  /** File the private JWK is written to, e.g. `platform.jwk.json`. */
  file: string;
}

/** The development clients: the platform, a service-hall counter (一窗受理), ops, and one per department. */
export function developmentClients(departments: readonly { code: string; name: string; algorithm: SignatureAlgorithm }[]): DevClientSpec[] {
  return [
    { id: 'platform', role: 'platform', name: '一网通办申办平台 (development)', algorithm: 'EdDSA', file: 'platform.jwk.json' },
    { id: 'window-meizhou', role: 'counter', hall: 'meizhou-hall', name: '梅州市政务服务中心窗口 (development)', algorithm: 'EdDSA', file: 'window-meizhou.jwk.json' },
    { id: 'ops', role: 'ops', name: '运维 (development)', algorithm: 'ES256', file: 'ops.jwk.json' },
    ...departments.map((department) => ({
      id: `dept-${department.code}`, role: 'department' as const, department: department.code,
      name: `${department.name} (development)`, algorithm: department.algorithm, file: `dept-${department.code}.jwk.json`,
    })),
  ];
}

export interface DevMaterialSummary {
  dir: string;
  created: string[];
  kept: string[];
}

/**
 * Creates whatever development material is missing in `dir` (existing files
 * are kept, so it is safe to run on every start).
 */
export async function initDevelopmentMaterial(dir: string, clients: readonly DevClientSpec[]): Promise<DevMaterialSummary> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const created: string[] = [];
  const kept: string[] = [];
  const path = (name: string) => join(dir, name);
  const secret = (name: string, content: string | Buffer) => {
    writeFileSync(path(name), content, { mode: 0o600 });
    created.push(name);
  };

  if (!existsSync(path(CERT_FILES.caCertificate)) || !existsSync(path(CERT_FILES.caKey))) {
    const ca = createDevelopmentCa({ commonName: 'Tongban Development CA', organizationName: 'Tongban (development)' });
    secret(CERT_FILES.caKey, ca.privateKeyPem);
    secret(CERT_FILES.caCertificate, ca.certificatePem);
    const document = issueCertificate(ca, { commonName: 'Tongban document signing (development)', organizationName: 'Tongban (development)', usage: 'signing' });
    secret(CERT_FILES.documentKey, document.privateKeyPem!);
    secret(CERT_FILES.documentCertificate, document.certificatePem);
    secret(CERT_FILES.documentP12, toPkcs12(document.certificatePem, document.privateKeyPem!, [ca.certificatePem], DEV_P12_PASSPHRASE, 'tongban-document'));
  } else {
    kept.push(CERT_FILES.caCertificate);
  }

  // The sandbox e-seal platform's CA: kept across restarts, so a sealed document
  // downloaded once still verifies against the CA file after the next start.
  if (!existsSync(path(CERT_FILES.sealCaCertificate)) || !existsSync(path(CERT_FILES.sealCaKey))) {
    const sealCa = createDevelopmentCa({ commonName: '通办沙箱电子印章CA(开发用)', organizationName: '通办沙箱' });
    secret(CERT_FILES.sealCaKey, sealCa.privateKeyPem);
    // Public: the trust anchor relying parties verify sealed result documents with.
    writeFileSync(path(CERT_FILES.sealCaCertificate), sealCa.certificatePem, { mode: 0o644 });
    created.push(CERT_FILES.sealCaCertificate);
  } else {
    kept.push(CERT_FILES.sealCaCertificate);
  }

  if (!existsSync(path(CERT_FILES.keyring))) {
    await createKeyring(path(CERT_FILES.keyring), 'EdDSA');
    created.push(CERT_FILES.keyring);
  } else {
    kept.push(CERT_FILES.keyring);
  }

  const declarations: ClientDeclaration[] = [];
  for (const client of clients) {
    let publicJwk;
    if (existsSync(path(client.file))) {
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = JSON.parse(readFileSync(path(client.file), 'utf8')) as Record<string, string>;
      publicJwk = rest;
      kept.push(client.file);
    } else {
      const pair = await generateKeyPair(client.algorithm);
      secret(client.file, `${JSON.stringify(pair.privateJwk, null, 2)}\n`);
      publicJwk = pair.publicJwk;
    }
    declarations.push({
      id: client.id, role: client.role, ...(client.department ? { department: client.department } : {}), ...(client.hall ? { hall: client.hall } : {}),
      name: client.name, algorithms: [client.algorithm], keys: [publicJwk],
    });
  }
  writeFileSync(path(CERT_FILES.clients), `${JSON.stringify({ $comment: 'Development clients (public keys). Generated by tongban keys init.', clients: declarations }, null, 2)}\n`);
  created.push(CERT_FILES.clients);
  return { dir, created, kept };
}
