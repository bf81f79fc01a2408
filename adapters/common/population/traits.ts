/**
 * What people do and have, assigned after the households exist: drivers and
 * their vehicles, road-transport workers, physicians, disabled persons, job
 * seekers, social security (retirees from 60 for men, 55 for women) and homes.
 * Minimum counts are guaranteed so every licence type has holders.
 */
import { unique, type Context } from './context.js';
import { addDays, addYears, ageOn, dateBetween, maxDate, minDate } from './dates.js';
import type { Person } from './model.js';
import { newVehicle } from './vehicles.js';

export function assignTraits(context: Context): void {
  const registered = context.persons.filter((person) => person.idNumber !== null);
  const age = (person: Person) => ageOn(person.birthDate, context.asOf);
  const pickSome = (candidates: Person[], probability: number, minimum: number, apply: (person: Person) => void) => {
    const chosen = candidates.filter(() => context.tools.chance(probability));
    for (const person of candidates) {
      if (chosen.length >= minimum) break;
      if (!chosen.includes(person)) chosen.push(person);
    }
    for (const person of chosen) apply(person);
  };

  pickSome(registered.filter((p) => age(p) >= 18 && age(p) <= 70), 0.5, 40, (p) => makeDriver(context, p));
  pickSome(registered.filter((p) => p.driver && p.sex === 'male' && age(p) >= 24 && age(p) <= 58), 0.2, 5, (p) => makeTransportWorker(context, p));
  pickSome(registered.filter((p) => age(p) >= 27 && age(p) <= 60), 0.04, 3, (p) => makePhysician(context, p));
  pickSome(registered.filter((p) => age(p) >= 2), 0.05, 8, (p) => makeDisabled(context, p));
  pickSome(registered.filter((p) => age(p) >= 18 && age(p) <= 50 && !p.physician), 0.1, 10, (p) => makeJobSeeker(context, p));
  for (const person of registered) makeSocialSecurity(context, person);
  pickSome(registered.filter((p) => p.relation === '户主' && age(p) >= 25), 0.6, 20, (p) => makeHome(context, p));
}

function makeDriver(context: Context, person: Person): void {
  const { tools, asOf } = context;
  const firstIssuedOn = dateBetween(tools.random, maxDate(addYears(person.birthDate, 18), '1990-01-01'), addDays(asOf, -10));
  person.driver = {
    firstIssuedOn,
    vehicleClass: tools.weighted([['C1', 80], ['C2', 15], ['C1D', 5]] as const),
    fileNumber: unique(context, 'driverFile', () => `4414${tools.digits(8)}`),
  };
  if (tools.chance(0.55)) {
    const registeredOn = dateBetween(tools.random, maxDate(firstIssuedOn, '2008-01-01'), asOf);
    person.vehicle = { ...newVehicle(context, Number(registeredOn.slice(0, 4))), registeredOn };
  }
}

function makeTransportWorker(context: Context, person: Person): void {
  const { tools, asOf } = context;
  const driver = person.driver!;
  const category = tools.weighted([['经营性道路货物运输驾驶员', 5], ['经营性道路旅客运输驾驶员', 2], ['网络预约出租汽车驾驶员', 3]] as const);
  const vehicleClass = category === '经营性道路货物运输驾驶员' ? tools.pick(['A2', 'B2']) : category === '经营性道路旅客运输驾驶员' ? tools.pick(['A1', 'B1']) : driver.vehicleClass;
  person.driver = { ...driver, vehicleClass };
  // A professional qualification needs three years of driving and age 21.
  const from = maxDate(addYears(driver.firstIssuedOn, 3), addYears(person.birthDate, 21), '2012-01-01');
  const firstIssuedOn = from <= asOf ? dateBetween(tools.random, from, asOf) : asOf;
  person.transportWorker = { category, firstIssuedOn };
}

const PHYSICIAN_KINDS = [['临床', '1', ['内科专业', '外科专业', '妇产科专业', '儿科专业', '全科医学专业']], ['中医', '2', ['中医专业', '中西医结合专业']], ['口腔', '3', ['口腔专业']]] as const;

function makePhysician(context: Context, person: Person): void {
  const { tools, asOf } = context;
  const [category, categoryDigit, scopes] = tools.pick(PHYSICIAN_KINDS);
  const issuedOn = dateBetween(tools.random, addYears(person.birthDate, 25), asOf);
  person.physician = {
    category, scope: tools.pick(scopes), level: '执业医师', issuedOn,
    certificateNumber: unique(context, 'physician', () => `1${categoryDigit}441403${issuedOn.slice(0, 4)}${tools.digits(3)}`),
  };
}

function makeDisabled(context: Context, person: Person): void {
  const { tools, asOf } = context;
  person.disability = {
    category: tools.weighted([['肢体', 40], ['视力', 15], ['听力', 15], ['言语', 5], ['智力', 10], ['精神', 10], ['多重', 5]] as const),
    level: tools.pick(['一级', '二级', '三级', '四级']),
    issuedOn: dateBetween(tools.random, maxDate(addYears(person.birthDate, 1), '2012-01-01'), asOf),
  };
}

function makeJobSeeker(context: Context, person: Person): void {
  const { tools, asOf } = context;
  const registeredOn = dateBetween(tools.random, maxDate(addYears(person.birthDate, 18), addYears(asOf, -3)), asOf);
  person.jobSeeker = {
    status: tools.weighted([['登记失业', 6], ['灵活就业', 2], ['自主创业', 2]] as const),
    registeredOn,
    certificateNumber: unique(context, 'employment', () => `441403${registeredOn.slice(0, 4)}${tools.digits(6)}`),
  };
}

function makeSocialSecurity(context: Context, person: Person): void {
  const { tools, asOf } = context;
  const age = ageOn(person.birthDate, asOf);
  const retirementAge = person.sex === 'male' ? 60 : 55;
  const adult = age >= 18;
  const insuredSince = adult
    ? dateBetween(tools.random, maxDate(addYears(person.birthDate, 18), '1995-01-01'), minDate(addYears(person.birthDate, 30), asOf))
    : dateBetween(tools.random, person.birthDate, minDate(addYears(person.birthDate, 1), asOf));
  const retiree = age >= retirementAge;
  const status = retiree ? '退休' : person.jobSeeker ? '暂停缴费' : adult ? '参保缴费' : '城乡居民参保';
  const hasCard = retiree || context.tools.chance(0.93);
  const cardIssuedOn = hasCard ? dateBetween(tools.random, maxDate(insuredSince, '2014-01-01'), asOf) : undefined;
  person.socialSecurity = {
    insuredSince,
    status,
    ...(retiree ? { retiredOn: addYears(person.birthDate, retirementAge), monthlyPensionYuan: tools.int(1800, 6500) } : {}),
    ...(cardIssuedOn ? { cardIssuedOn, cardNumber: unique(context, 'ssCard', () => `${tools.pick(['M', 'N', 'Q'])}${tools.digits(8)}`) } : {}),
  };
}

function makeHome(context: Context, person: Person): void {
  const { tools, asOf } = context;
  const household = context.households.find((item) => item.number === person.householdNumber)!;
  const county = household.county;
  person.home = {
    location: `${county.fullName}${tools.pick(county.places)}${tools.int(1, 60)}栋${tools.int(1, 30)}0${tools.int(1, 4)}房`,
    areaM2: tools.int(60, 180),
    registeredOn: dateBetween(tools.random, maxDate(addYears(person.birthDate, 25), '2016-06-01'), asOf),
    unitNumber: unique(context, 'realEstateUnit', () => `${county.code}${tools.digits(6)}GB${tools.digits(5)}F${tools.digits(8)}`),
    ...(person.spouseKey ? { coOwnerKey: person.spouseKey } : {}),
  };
}
