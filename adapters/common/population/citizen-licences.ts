/**
 * Licences of citizens, built from what the population says about them, with
 * dates that hold together: nothing issued before birth or after the
 * reference date, 出生医学证明 issued on the day of birth, ID card validity by
 * age at issue.
 */
import type { Context } from './context.js';
import { addDays, addYears, ageOn, dateBetween, maxDate, minDate } from './dates.js';
import { ISSUERS, type IssuerKey } from './issuers.js';
import { addLicence, untilText } from './licence-builder.js';
import type { Household, Person } from './model.js';
import { currentPeriod, drivingLicenceYears, idCardYears } from './periods.js';

const sexText = (person: Person) => (person.sex === 'male' ? '男' : '女');
const DISABILITY_DIGITS: Record<string, string> = { 视力: '1', 听力: '2', 言语: '3', 肢体: '4', 智力: '5', 精神: '6', 多重: '7' };
const LEVEL_DIGITS: Record<string, string> = { 一级: '1', 二级: '2', 三级: '3', 四级: '4' };

export function createCitizenLicences(context: Context): void {
  const households = new Map(context.households.map((household) => [household.number, household]));
  for (const person of context.persons) {
    const household = households.get(person.householdNumber)!;
    if (person.birth) birthCertificate(context, person);
    if (person.idNumber === null) continue; // birth registration pending: no other licence yet
    idCard(context, person, household);
    householdRegister(context, person, household);
    if (person.marriage) marriageCertificate(context, person);
    if (person.driver) drivingLicence(context, person);
    if (person.vehicle) vehicleLicence(context, person);
    if (person.transportWorker) transportQualification(context, person);
    if (person.physician) physicianLicence(context, person);
    if (person.disability) disabilityCertificate(context, person);
    if (person.jobSeeker) employmentCertificate(context, person);
    if (person.socialSecurity?.cardNumber) socialSecurityCard(context, person);
    if (person.home) realEstateCertificate(context, person, household);
  }
}

function policeOf(household: Household): IssuerKey {
  return household.county.code === '441402' ? 'meijiangPolice' : 'meixianPolice';
}

function citizen(person: Person) {
  return { name: person.name, code: person.idNumber!, type: '111' as const };
}

function idCard(context: Context, person: Person, household: Household): void {
  const { tools, asOf } = context;
  const age = ageOn(person.birthDate, asOf);
  // Under 16 a card is optional; second-generation cards exist since 2004.
  if (age < 16 && !tools.chance(0.3)) return;
  const firstIssuedOn = age < 16
    ? dateBetween(tools.random, addDays(person.birthDate, 30), asOf)
    : minDate(maxDate(addDays(addYears(person.birthDate, 16), tools.int(0, 400)), addDays('2004-01-01', tools.int(0, 8 * 365))), asOf);
  const period = currentPeriod(context, firstIssuedOn, idCardYears(person.birthDate), !tools.chance(0.06));
  const issuer = policeOf(household);
  addLicence(context, {
    type: 'residentIdCard', issuer, number: person.idNumber!, issuedOn: period.start, validUntil: period.end,
    holder: citizen(person), holderKey: person.key,
    surface: {
      XM: person.name, XB: sexText(person), MZ: person.ethnicity.replace(/族$/, ''), CSRQ: person.birthDate, ZZ: person.address,
      GMSFHM: person.idNumber!, QFJG: ISSUERS[issuer].name, YXQQSRQ: period.start, YXQJZRQ: untilText(period.end),
    },
  });
}

function householdRegister(context: Context, person: Person, household: Household): void {
  const { tools, asOf } = context;
  const head = context.personsByKey.get(household.headKey)!;
  // Born into the household: registered within four weeks of birth; otherwise moved in when the household was set up.
  const registeredOn = person.birthDate >= household.registeredOn
    ? minDate(addDays(person.birthDate, tools.int(3, 28)), asOf)
    : household.registeredOn;
  const issuer = policeOf(household);
  addLicence(context, {
    type: 'householdRegister', issuer, number: household.number, issuedOn: registeredOn,
    holder: citizen(person), holderKey: person.key,
    surface: {
      HH: household.number, HZXM: head.name, YHZGX: person.relation, XM: person.name, XB: sexText(person), MZ: person.ethnicity,
      CSRQ: person.birthDate, CSD: person.birthCounty.fullName, JG: person.birthCounty.fullName.replace(/^(..省|..自治区).*/, '$1'),
      GMSFHM: person.idNumber!, ZZ: household.address, HKLX: '家庭户', DJRQ: registeredOn, CBJG: ISSUERS[issuer].name,
    },
  });
}

function marriageCertificate(context: Context, person: Person): void {
  const marriage = person.marriage!;
  const spouse = context.personsByKey.get(person.spouseKey!)!;
  const [husband, wife] = person.sex === 'male' ? [person, spouse] : [spouse, person];
  addLicence(context, {
    type: 'marriageCertificate', issuer: marriage.issuer, number: marriage.certificateNumber, issuedOn: marriage.registeredOn,
    holder: citizen(person), holderKey: person.key,
    surface: {
      CZR: person.name, DJRQ: marriage.registeredOn, JHZZH: marriage.certificateNumber,
      NFXM: husband.name, NFGJ: '中国', NFSFZJHM: husband.idNumber ?? '', NFCSRQ: husband.birthDate,
      NVFXM: wife.name, NVFGJ: '中国', NVFSFZJHM: wife.idNumber ?? '', NVFCSRQ: wife.birthDate,
      DJJG: ISSUERS[marriage.issuer].name,
    },
  });
}

/** 出生医学证明: issued by the hospital on the day of birth; held by the mother (the newborn has no ID number yet). */
function birthCertificate(context: Context, child: Person): void {
  const birth = child.birth!;
  const mother = context.personsByKey.get(child.motherKey!)!;
  const father = context.personsByKey.get(child.fatherKey!)!;
  const household = context.households.find((item) => item.number === child.householdNumber)!;
  addLicence(context, {
    type: 'birthCertificate', issuer: birth.hospital, number: birth.certificateNumber, issuedOn: child.birthDate,
    holder: citizen(mother), holderKey: mother.key,
    surface: {
      CSYXZMBH: birth.certificateNumber, XSEXM: child.name, XB: sexText(child), CSRQ: child.birthDate, CSSJ: birth.time,
      CSDD: household.county.fullName, CSYZ: String(birth.gestationWeeks), CSTZ: String(birth.weightGrams), CSSC: String(birth.lengthCm),
      MQXM: mother.name, MQNL: String(ageOn(mother.birthDate, child.birthDate)), MQGJ: '中国', MQMZ: mother.ethnicity, MQSFZJHM: mother.idNumber!,
      FQXM: father.name, FQNL: String(ageOn(father.birthDate, child.birthDate)), FQGJ: '中国', FQMZ: father.ethnicity, FQSFZJHM: father.idNumber!,
      JSJGMC: ISSUERS[birth.hospital].name, QFRQ: child.birthDate,
    },
  });
}

function drivingLicence(context: Context, person: Person): void {
  const driver = person.driver!;
  const period = currentPeriod(context, driver.firstIssuedOn, drivingLicenceYears, !context.tools.chance(0.05));
  addLicence(context, {
    type: 'drivingLicence', issuer: 'trafficPolice', number: person.idNumber!, issuedOn: period.start, validUntil: period.end,
    holder: citizen(person), holderKey: person.key,
    surface: {
      ZH: person.idNumber!, XM: person.name, XB: sexText(person), GJ: '中国', ZZ: person.address, CSRQ: person.birthDate,
      CCLZRQ: driver.firstIssuedOn, ZJCX: driver.vehicleClass, YXQQ: period.start, YXQZ: untilText(period.end), DABH: driver.fileNumber,
      FZJG: '广东省梅州市公安局交通警察支队',
    },
  });
}

function vehicleLicence(context: Context, person: Person): void {
  const vehicle = person.vehicle!;
  const ridesForHire = person.transportWorker?.category === '网络预约出租汽车驾驶员';
  addLicence(context, {
    type: 'vehicleLicence', issuer: 'trafficPolice', number: vehicle.plate, issuedOn: vehicle.registeredOn,
    holder: citizen(person), holderKey: person.key,
    surface: {
      HPHM: vehicle.plate, CLLX: vehicle.model.startsWith('哈弗') ? '小型普通客车' : '小型轿车', SYR: person.name, ZZ: person.address,
      SYXZ: ridesForHire ? '预约出租客运' : '非营运', PPXH: vehicle.model, CLSBDH: vehicle.vin, FDJHM: vehicle.engineNumber,
      ZCRQ: vehicle.registeredOn, FZRQ: vehicle.registeredOn, FZJG: '广东省梅州市公安局交通警察支队',
    },
  });
}

function transportQualification(context: Context, person: Person): void {
  const worker = person.transportWorker!;
  const period = currentPeriod(context, worker.firstIssuedOn, () => 6, !context.tools.chance(0.1));
  addLicence(context, {
    type: 'roadTransportQualification', issuer: 'cityTransport', number: person.idNumber!, issuedOn: period.start, validUntil: period.end,
    holder: citizen(person), holderKey: person.key,
    surface: {
      CYZGZH: person.idNumber!, XM: person.name, XB: sexText(person), CSRQ: person.birthDate, GJ: '中国', ZZ: person.address,
      ZJCX: person.driver!.vehicleClass, CYZGLB: worker.category, CCLZRQ: worker.firstIssuedOn, YXQZ: untilText(period.end),
      FZJG: ISSUERS.cityTransport.name,
    },
  });
}

function physicianLicence(context: Context, person: Person): void {
  const physician = person.physician!;
  addLicence(context, {
    type: 'physicianLicence', issuer: 'meixianHealth', number: physician.certificateNumber, issuedOn: physician.issuedOn,
    holder: citizen(person), holderKey: person.key,
    surface: {
      ZSBM: physician.certificateNumber, XM: person.name, XB: sexText(person), CSRQ: person.birthDate, GMSFHM: person.idNumber!,
      YSJB: physician.level, ZYLB: physician.category, ZYFW: physician.scope, ZYDD: ISSUERS.meixianHospital.name,
      FZJG: ISSUERS.meixianHealth.name, FZRQ: physician.issuedOn,
    },
  });
}

function disabilityCertificate(context: Context, person: Person): void {
  const disability = person.disability!;
  const validUntil = addYears(disability.issuedOn, 10);
  const needsGuardian = ageOn(person.birthDate, context.asOf) < 18 || disability.category === '智力' || disability.category === '精神';
  const guardian = needsGuardian ? context.personsByKey.get(person.motherKey ?? person.fatherKey ?? person.spouseKey ?? '') : undefined;
  const number = `${person.idNumber}${DISABILITY_DIGITS[disability.category]}${LEVEL_DIGITS[disability.level]}`;
  addLicence(context, {
    type: 'disabilityCertificate', issuer: 'meixianDisabledFederation', number, issuedOn: disability.issuedOn, validUntil,
    holder: citizen(person), holderKey: person.key,
    surface: {
      CJRZH: number, XM: person.name, XB: sexText(person), GMSFHM: person.idNumber!, CJLB: disability.category, CJDJ: disability.level,
      HJDZ: person.address, JHR: guardian?.name, FZRQ: disability.issuedOn, YXQZ: validUntil, FZJG: ISSUERS.meixianDisabledFederation.name,
    },
  });
}

function employmentCertificate(context: Context, person: Person): void {
  const seeker = person.jobSeeker!;
  addLicence(context, {
    type: 'employmentCertificate', issuer: 'meixianCivilAffairs', number: seeker.certificateNumber, issuedOn: seeker.registeredOn,
    holder: citizen(person), holderKey: person.key,
    surface: {
      ZH: seeker.certificateNumber, XM: person.name, XB: sexText(person), GMSFHM: person.idNumber!, HJDZ: person.address,
      JYZT: seeker.status, DJRQ: seeker.registeredOn, FZJG: ISSUERS.meixianCivilAffairs.name,
    },
  });
}

function socialSecurityCard(context: Context, person: Person): void {
  const record = person.socialSecurity!;
  const issuedOn = record.cardIssuedOn!;
  const validUntil = addYears(issuedOn, 10);
  addLicence(context, {
    type: 'socialSecurityCard', issuer: 'cityHumanResources', number: record.cardNumber!, issuedOn, validUntil,
    holder: citizen(person), holderKey: person.key,
    surface: {
      XM: person.name, XB: sexText(person), SHBZHM: person.idNumber!, KH: record.cardNumber!, FKRQ: issuedOn, YXQZ: validUntil,
      CBZT: record.status, CBRQ: record.insuredSince, TXRQ: record.retiredOn, FKJG: ISSUERS.cityHumanResources.name,
    },
  });
}

function realEstateCertificate(context: Context, person: Person, household: Household): void {
  const { tools } = context;
  const home = person.home!;
  const coOwner = home.coOwnerKey ? context.personsByKey.get(home.coOwnerKey) : undefined;
  const meijiang = household.county.code === '441402';
  const issuer: IssuerKey = meijiang ? 'meijiangNaturalResources' : 'meixianNaturalResources';
  const year = home.registeredOn.slice(0, 4);
  const number = `粤（${year}）${meijiang ? '梅江区' : '梅县区'}不动产权第${String(tools.int(1, 99999)).padStart(7, '0')}号`;
  const landFrom = addYears(home.registeredOn, -tools.int(1, 8));
  addLicence(context, {
    type: 'realEstateCertificate', issuer, number, issuedOn: home.registeredOn,
    holder: citizen(person), holderKey: person.key,
    surface: {
      BDCQZH: number, QLR: coOwner ? `${person.name}、${coOwner.name}` : person.name, GYQK: coOwner ? '共同共有' : '单独所有',
      ZL: home.location, BDCDYH: home.unitNumber, QLLX: '国有建设用地使用权/房屋所有权', QLXZ: '出让/市场化商品房', YT: '城镇住宅用地/住宅',
      MJ: `共有宗地面积${tools.int(2000, 20000)}㎡/房屋建筑面积${home.areaM2}㎡`,
      SYQX: `${landFrom}起${addYears(landFrom, 70)}止`, DJRQ: home.registeredOn, DJJG: ISSUERS[issuer].name,
    },
  });
}
