/**
 * Buyers of a new car not registered yet (新车上牌照一件事, MX-T22): drivers
 * without a vehicle who bought one lately and paid its 车辆购置税. The tax
 * office's 车辆购置税完税证明 (electronic since 2019) names the buyer and the
 * vehicle as its invoice and 合格证 describe it (车辆识别代号, 发动机号); the
 * registration that gives the plate is what the theme applies for.
 *
 * Runs last, on a random stream of its own, and takes the buyers from the end
 * of the population (the scenarios pick the first who fit), so what was made
 * before comes out as it did.
 */
import { createContext, unique, type Context } from './context.js';
import { addDays, ageOn, dateBetween } from './dates.js';
import { ISSUERS } from './issuers.js';
import { addLicence } from './licence-builder.js';
import { newVehicle } from './vehicles.js';

/** Salt of this stream's seed (any constant other than another stream's). */
const STREAM = 0x5eed_0022;
const BUYERS = 4;

export function recordNewCars(context: Context, seed: number): void {
  const tools = createContext((seed ^ STREAM) >>> 0, context.asOf).tools;
  const own: Context = { ...context, tools };
  const buyers = context.persons.filter((person) => person.idNumber !== null && person.driver && !person.vehicle && !person.death
    && person.phone !== null && ageOn(person.birthDate, context.asOf) >= 20).reverse().slice(0, BUYERS);
  for (const person of buyers) {
    const taxPaidOn = dateBetween(tools.random, addDays(context.asOf, -30), addDays(context.asOf, -2));
    const { vin, engineNumber, model } = newVehicle(own, Number(taxPaidOn.slice(0, 4)));
    const certificateNumber = unique(own, 'purchaseTaxCertificate', () => `${taxPaidOn.slice(0, 4)}44${tools.digits(10)}`);
    person.newCar = { vin, engineNumber, model, taxPaidOn, certificateNumber };
    // New-energy cars pay half the tax in 2026–2027 (财政部 税务总局 工业和信息化部公告2023年第10号).
    const newEnergy = model.startsWith('比亚迪');
    addLicence(own, {
      type: 'vehiclePurchaseTaxCertificate', issuer: 'meixianTax', number: certificateNumber, issuedOn: taxPaidOn,
      holder: { name: person.name, code: person.idNumber!, type: '111' }, holderKey: person.key,
      surface: {
        ZMBH: certificateNumber, NSRMC: person.name, NSRSBH: person.idNumber!, CLSBDH: vin, FDJH: engineNumber, CPXH: model,
        CLLX: model.startsWith('哈弗') ? '小型普通客车' : '小型轿车', WSPZHM: `3441426${tools.digits(11)}`, ZSQK: newEnergy ? '减税' : '征税',
        ZSJG: ISSUERS.meixianTax.name, TFRQ: taxPaidOn,
      },
    });
  }
}
