import { expect } from 'chai';
import { COUNTIES, ALL_ISSUERS, LICENCE_FIELDS, vinCheckDigit, createPopulation, type Person, type Population } from '../../../adapters/common/population/index.js';
import { addYears, ageOn } from '../../../adapters/common/population/dates.js';
import {
  validateCreditCode,
  validateIdNumber,
  validateLicenceIdentifier,
  validatePhone,
} from '../../../src/domain/identifiers/index.js';
import { DEFINING_AUTHORITIES, LICENCE_TYPES, type LicenceTypeKey } from '../../../src/domain/licence-library.js';

/** Replaces the last character with another one of the same kind, so only the check fails. */
function breakCheck(value: string, alphabet: string): string {
  const last = value.charAt(value.length - 1);
  const replacement = alphabet.charAt((alphabet.indexOf(last) + 1) % alphabet.length);
  return value.slice(0, -1) + replacement;
}

describe('licence library population', () => {
  const population: Population = createPopulation();
  const today = new Date(`${population.asOf}T12:00:00+08:00`);
  const persons = new Map(population.persons.map((person) => [person.key, person]));
  const licencesOf = (type: LicenceTypeKey) => population.licences.filter((licence) => licence.type === type);

  describe('counts', () => {
    it('has at least 200 persons, 50 enterprises and every licence type, with a few of each status', () => {
      expect(population.persons.length).to.be.at.least(200);
      expect(population.enterprises.length).to.be.at.least(50);
      const types = new Set(population.licences.map((licence) => licence.type));
      expect(types.size).to.be.at.least(12);
      expect([...types].sort()).to.deep.equal(Object.keys(LICENCE_TYPES).sort());
      const byStatus = (status: string) => population.licences.filter((licence) => licence.status === status).length;
      expect(byStatus('01')).to.be.greaterThan(population.licences.length * 0.8);
      expect(byStatus('02'), 'suspended').to.be.at.least(1);
      expect(byStatus('03'), 'revoked').to.be.at.least(5);
      expect(byStatus('05'), 'expired, marked').to.be.at.least(5);
      const expiredButValid = population.licences.filter((licence) => licence.status === '01' && licence.validUntil !== null && licence.validUntil < population.asOf);
      expect(expiredButValid.length, 'expired, still marked valid').to.be.at.least(3);
    });

    it('has the people the 一件事 themes need: newborns of 2026, retirees, drivers, disabled persons, job seekers', () => {
      expect(population.persons.filter((person) => person.birthDate.startsWith('2026-')).length).to.be.at.least(10);
      expect(population.persons.filter((person) => person.idNumber === null).length, 'newborns awaiting birth registration').to.be.at.least(1);
      expect(population.persons.filter((person) => ageOn(person.birthDate, population.asOf) >= 60).length).to.be.at.least(20);
      expect(population.persons.filter((person) => person.driver).length).to.be.at.least(40);
      expect(population.persons.filter((person) => person.disability).length).to.be.at.least(8);
      expect(population.persons.filter((person) => person.jobSeeker).length).to.be.at.least(10);
      expect(population.enterprises.filter((enterprise) => enterprise.foodBusiness).length).to.be.at.least(10);
      expect(population.enterprises.filter((enterprise) => enterprise.industry === 'importExport').length).to.be.at.least(5);
    });
  });

  describe('identifiers', () => {
    it('every ID number validates and agrees with the birth date, sex and a real county code', () => {
      const knownCodes = new Set<string>(Object.values(COUNTIES).map((county) => county.code));
      for (const person of population.persons) {
        if (person.idNumber === null) continue;
        const result = validateIdNumber(person.idNumber, { today });
        expect(result.ok, `${person.key} ${person.idNumber}`).to.equal(true);
        if (!result.ok) continue;
        expect(result.birthDate).to.equal(person.birthDate);
        expect(result.sex).to.equal(person.sex);
        expect(knownCodes.has(result.areaCode), result.areaCode).to.equal(true);
      }
      expect(new Set(population.persons.map((person) => person.idNumber).filter(Boolean)).size, 'unique').to.equal(population.persons.filter((person) => person.idNumber).length);
    });

    it('every credit code validates: enterprises, issuers, defining authorities', () => {
      const codes = [
        ...population.enterprises.map((enterprise) => enterprise.creditCode),
        ...ALL_ISSUERS.map((issuer) => issuer.creditCode),
        ...Object.values(DEFINING_AUTHORITIES).map((authority) => authority.creditCode),
      ];
      for (const code of codes) expect(validateCreditCode(code).ok, code).to.equal(true);
      for (const enterprise of population.enterprises) {
        expect(enterprise.creditCode.slice(0, 2)).to.equal(enterprise.kind === '个体工商户' ? '92' : '91');
      }
    });

    it('every licence identifier validates and carries its type code and issuer', () => {
      for (const licence of population.licences) {
        const parsed = validateLicenceIdentifier(licence.identifier);
        expect(parsed.ok, licence.identifier).to.equal(true);
        if (!parsed.ok) continue;
        expect(parsed.typeCode).to.equal(LICENCE_TYPES[licence.type].code);
        expect(parsed.issuerCreditCode).to.equal(ALL_ISSUERS.find((issuer) => issuer.key === licence.issuer)!.creditCode);
      }
      expect(new Set(population.licences.map((licence) => licence.identifier)).size).to.equal(population.licences.length);
    });

    it('phones are mobile numbers and VINs carry their check digit', () => {
      for (const person of population.persons) {
        if (person.phone !== null) expect(validatePhone(person.phone)).to.include({ ok: true, kind: 'mobile' });
        if (person.vehicle) expect(person.vehicle.vin.charAt(8)).to.equal(vinCheckDigit(person.vehicle.vin));
      }
    });

    it('deliberately broken identifiers fail their check', () => {
      const person = population.persons.find((item) => item.idNumber !== null)!;
      const brokenId = breakCheck(person.idNumber!, '0123456789X');
      expect(validateIdNumber(brokenId, { today })).to.include({ ok: false, code: 'check_character' });
      const brokenCode = breakCheck(population.enterprises[0]!.creditCode, '0123456789ABCDEFGHJKLMNPQRTUWXY');
      expect(validateCreditCode(brokenCode)).to.include({ ok: false, code: 'check_character' });
      const brokenIdentifier = breakCheck(population.licences[0]!.identifier, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
      expect(validateLicenceIdentifier(brokenIdentifier)).to.include({ ok: false, code: 'check_character' });
      expect(vinCheckDigit('1M8GDM9AXKP042788'), 'ISO 3779 worked example').to.equal('X');
      expect(vinCheckDigit('1M8GDM9A0KP042788')).to.equal('X');
    });
  });

  describe('consistency', () => {
    it('every surface has its type\'s required fields and no others', () => {
      for (const licence of population.licences) {
        const fields = LICENCE_FIELDS[licence.type];
        const keys = new Set(fields.map((field) => field.key));
        for (const field of fields.filter((item) => item.required)) expect(licence.surface, `${licence.type} ${field.key}`).to.have.property(field.key).that.is.a('string').and.not.empty;
        for (const key of Object.keys(licence.surface)) expect(keys.has(key), `${licence.type} has unknown field ${key}`).to.equal(true);
      }
    });

    it('no licence is issued before its holder was born or the enterprise founded, or after the reference date', () => {
      const enterprises = new Map(population.enterprises.map((enterprise) => [enterprise.key, enterprise]));
      for (const licence of population.licences) {
        expect(licence.issuedOn <= population.asOf, licence.identifier).to.equal(true);
        expect(licence.validFrom <= (licence.validUntil ?? '9999-12-31')).to.equal(true);
        const person = persons.get(licence.holderKey);
        if (person) expect(licence.issuedOn >= person.birthDate, `${licence.type} of ${person.key}`).to.equal(true);
        const enterprise = enterprises.get(licence.holderKey);
        if (enterprise) expect(licence.issuedOn >= enterprise.establishedOn, `${licence.type} of ${enterprise.key}`).to.equal(true);
      }
    });

    it('ID card validity follows the age at issue (5/10/20 years, 长期 from 46)', () => {
      for (const licence of licencesOf('residentIdCard')) {
        const person = persons.get(licence.holderKey)!;
        const age = ageOn(person.birthDate, licence.issuedOn);
        const years = age < 16 ? 5 : age <= 25 ? 10 : age <= 45 ? 20 : null;
        expect(licence.validUntil).to.equal(years === null ? null : addYears(licence.issuedOn, years));
        expect(licence.surface['YXQJZRQ']).to.equal(licence.validUntil ?? '长期');
        expect(licence.number).to.equal(person.idNumber);
      }
    });

    it('a newborn\'s 出生医学证明 is issued at birth to the mother and names both parents', () => {
      const newborns = population.persons.filter((person) => person.birthDate.startsWith('2026-'));
      for (const child of newborns) {
        const certificate = licencesOf('birthCertificate').find((licence) => licence.surface['XSEXM'] === child.name && licence.surface['CSRQ'] === child.birthDate);
        expect(certificate, child.key).to.not.equal(undefined);
        const mother = persons.get(child.motherKey!)!;
        const father = persons.get(child.fatherKey!)!;
        expect(mother.sex).to.equal('female');
        expect(father.sex).to.equal('male');
        expect(mother.spouseKey).to.equal(father.key);
        expect(certificate!.issuedOn).to.equal(child.birthDate);
        expect(certificate!.holder).to.deep.equal({ name: mother.name, code: mother.idNumber, type: '111' });
        expect(certificate!.surface).to.include({ MQXM: mother.name, MQSFZJHM: mother.idNumber, FQXM: father.name, FQSFZJHM: father.idNumber });
        expect(Number(certificate!.surface['MQNL'])).to.equal(ageOn(mother.birthDate, child.birthDate));
        expect(child.birthDate > father.marriage!.registeredOn).to.equal(true);
        // Only registered newborns have a household register entry.
        const register = licencesOf('householdRegister').filter((licence) => licence.holderKey === child.key);
        expect(register.length).to.equal(child.idNumber === null ? 0 : 1);
      }
    });

    it('spouses hold 结婚证 with the same number, naming each other, married at legal age', () => {
      const marriages = licencesOf('marriageCertificate');
      const byNumber = new Map<string, typeof marriages>();
      for (const licence of marriages) byNumber.set(licence.number, [...(byNumber.get(licence.number) ?? []), licence]);
      expect(byNumber.size).to.be.at.least(50);
      for (const [number, pair] of byNumber) {
        expect(pair.length, number).to.equal(2);
        const [a, b] = pair.map((licence) => persons.get(licence.holderKey)!) as [Person, Person];
        expect(a.spouseKey).to.equal(b.key);
        const husband = a.sex === 'male' ? a : b;
        const wife = a.sex === 'male' ? b : a;
        for (const licence of pair) {
          expect(licence.surface).to.include({ NFXM: husband.name, NFSFZJHM: husband.idNumber, NVFXM: wife.name, NVFSFZJHM: wife.idNumber, JHZZH: number });
          expect(licence.issuedOn >= addYears(husband.birthDate, 22) && licence.issuedOn >= addYears(wife.birthDate, 20), number).to.equal(true);
        }
      }
    });

    it('retirees have social security with a retirement date and pension', () => {
      for (const person of population.persons.filter((item) => ageOn(item.birthDate, population.asOf) >= 60)) {
        expect(person.socialSecurity, person.key).to.include({ status: '退休' });
        expect(person.socialSecurity!.retiredOn! <= population.asOf).to.equal(true);
        expect(person.socialSecurity!.monthlyPensionYuan).to.be.greaterThan(0);
      }
    });

    it('legal representatives are adults at registration; business licences are the enterprise\'s', () => {
      for (const enterprise of population.enterprises) {
        const representative = persons.get(enterprise.legalRepresentativeKey)!;
        expect(ageOn(representative.birthDate, enterprise.establishedOn), enterprise.name).to.be.at.least(18);
        const licence = licencesOf('businessLicence').find((item) => item.holderKey === enterprise.key)!;
        expect(licence.holder).to.deep.equal({ name: enterprise.name, code: enterprise.creditCode, type: '001' });
        expect(licence.surface).to.include({ TYSHXYDM: enterprise.creditCode, FDDBR: representative.name, CLRQ: enterprise.establishedOn });
        expect(licence.status).to.equal({ active: '01', deregistered: '04', revoked: '03' }[enterprise.registrationStatus]);
      }
    });
  });

  describe('determinism', () => {
    it('the same seed gives the same population; another seed another one', () => {
      const a = createPopulation({ seed: 7 });
      const b = createPopulation({ seed: 7 });
      expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
      const c = createPopulation({ seed: 8 });
      expect(c.persons[0]!.idNumber).to.not.equal(a.persons[0]!.idNumber);
    });

    it('refuses a reference date that is not YYYY-MM-DD', () => {
      expect(() => createPopulation({ asOf: '2026/11/01' })).to.throw(RangeError, /asOf/);
    });
  });
});
