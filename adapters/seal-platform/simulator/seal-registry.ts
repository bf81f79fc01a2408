/**
 * The simulator's seal registry (印章库): for every department, an official
 * seal (法定名称章) and a business seal (业务专用章), each with a picture and a
 * signing certificate issued by the simulator's CA. Certificates and
 * pictures are made on first use, so starting the simulator stays fast.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import { issueCertificate, toPkcs12, type CertificateAuthority } from '../../../src/trust/index.js';
import type { SealStatus, SealType } from '../../../src/domain/seal-service.js';
import { makeSealPicturePng } from '../../common/pdf/seal-picture.js';

/** A department as the registry needs it. */
export interface RegistryDepartment {
  code: string;
  name: string;
}

/** One seal in the registry. */
export interface SimulatedSeal {
  /** 14 digits: area code (6) + department number (2) + seal type code (2) + serial (4). */
  sealId: string;
  name: string;
  type: SealType;
  departmentCode: string;
  /** The organisation that owns the seal, e.g. 梅州市梅县区公安局. */
  ownerName: string;
  status: SealStatus;
  validFrom: Date;
  validUntil: Date;
  /** Diameter of the seal picture. */
  sizeMm: number;
}

/** What signing with a seal needs. */
export interface SealCredentials {
  p12: Buffer;
  passphrase: string;
  certificatePem: string;
  fingerprint256: string;
}

const DAY = 86_400_000;

export class SealRegistry {
  private readonly byDepartment = new Map<string, SimulatedSeal[]>();
  private readonly byId = new Map<string, SimulatedSeal>();
  private readonly credentials = new Map<string, SealCredentials>();
  private readonly pictures = new Map<string, Buffer>();
  /** Random per run: the P12s never leave the simulator, the passphrase only keeps toPkcs12 honest. */
  private readonly passphrase = randomBytes(12).toString('hex');

  constructor(
    private readonly ca: CertificateAuthority,
    departments: readonly RegistryDepartment[],
    options: { areaName: string; areaCode: string; now: Date },
  ) {
    departments.forEach((department, index) => {
      const ownerName = `${options.areaName}${department.name}`;
      const number = String(index + 1).padStart(2, '0');
      const seals: SimulatedSeal[] = [
        { type: 'official' as const, typeCode: '01', name: `${ownerName}电子印章`, sizeMm: 42 },
        { type: 'business' as const, typeCode: '05', name: `${ownerName}业务专用章`, sizeMm: 40 },
      ].map((seal) => ({
        sealId: `${options.areaCode}${number}${seal.typeCode}0001`,
        name: seal.name,
        type: seal.type,
        departmentCode: department.code,
        ownerName,
        status: 'active',
        validFrom: new Date(options.now.getTime() - 365 * DAY),
        validUntil: new Date(options.now.getTime() + 730 * DAY),
        sizeMm: seal.sizeMm,
      }));
      this.byDepartment.set(department.code, seals);
      for (const seal of seals) this.byId.set(seal.sealId, seal);
    });
  }

  /** The seals of a department, or undefined for a department the platform does not know. */
  sealsOf(departmentCode: string): SimulatedSeal[] | undefined {
    return this.byDepartment.get(departmentCode);
  }

  find(sealId: string): SimulatedSeal | undefined {
    return this.byId.get(sealId);
  }

  all(): SimulatedSeal[] {
    return [...this.byId.values()];
  }

  /** Changes a seal's status or validity (revocation, expiry) for tests and the sandbox. */
  update(sealId: string, changes: Partial<Pick<SimulatedSeal, 'status' | 'validFrom' | 'validUntil'>>): SimulatedSeal {
    const seal = this.byId.get(sealId);
    if (seal === undefined) throw new Error(`unknown seal ${sealId}`);
    Object.assign(seal, changes);
    return seal;
  }

  /** The seal's status at `now`: an active seal past its validity is expired. */
  effectiveStatus(seal: SimulatedSeal, now: Date): SealStatus {
    if (seal.status === 'active' && (now < seal.validFrom || now > seal.validUntil)) return 'expired';
    return seal.status;
  }

  picture(seal: SimulatedSeal): Buffer {
    let png = this.pictures.get(seal.sealId);
    if (png === undefined) {
      png = makeSealPicturePng({ name: seal.name, sizeMm: seal.sizeMm });
      this.pictures.set(seal.sealId, png);
    }
    return png;
  }

  credentialsOf(seal: SimulatedSeal): SealCredentials {
    let credentials = this.credentials.get(seal.sealId);
    if (credentials === undefined) {
      const issued = issueCertificate(this.ca, { commonName: seal.name, organizationName: seal.ownerName, usage: 'signing' });
      credentials = {
        p12: toPkcs12(issued.certificatePem, issued.privateKeyPem!, [this.ca.certificatePem], this.passphrase, seal.sealId),
        passphrase: this.passphrase,
        certificatePem: issued.certificatePem,
        fingerprint256: new X509Certificate(issued.certificatePem).fingerprint256,
      };
      this.credentials.set(seal.sealId, credentials);
    }
    return credentials;
  }

  /** The seal whose (already issued) certificate has this SHA-256 fingerprint. */
  bySignerFingerprint(fingerprint256: string): SimulatedSeal | undefined {
    for (const [sealId, credentials] of this.credentials) if (credentials.fingerprint256 === fingerprint256) return this.byId.get(sealId);
    return undefined;
  }
}
