/**
 * A synthetic, deterministic population for the licence library simulator:
 * the same seed and reference date always give the same people,
 * enterprises and licences.
 */
import { createContext } from './context.js';
import { createCitizenLicences } from './citizen-licences.js';
import { recordDeaths } from './deaths.js';
import { createEnterprises } from './enterprises.js';
import { createHouseholds, DEFAULT_HOUSEHOLD_PLAN, type HouseholdPlan } from './households.js';
import { createLabourDispatchCompanies } from './labour-dispatch.js';
import type { Population } from './model.js';
import { recordNewCars } from './new-cars.js';
import { addPageDetails } from './page-details.js';
import { createOrganizationLicences } from './organization-licences.js';
import { createQualificationsAndOrganisations } from './organisations.js';
import { applyStatusChanges } from './statuses.js';
import { createWorksLicences } from './works-licences.js';
import { assignTraits } from './traits.js';

export type * from './model.js';
export { COUNTIES, type County } from './areas.js';
export { ISSUERS, ALL_ISSUERS, type IssuerKey, type IssuingAuthority } from './issuers.js';
export { LICENCE_FIELDS } from './licence-fields.js';
export { CARD_BANKS, withLuhn } from './page-details.js';
export { chinaToday, PopulationIndex } from './population-index.js';
export { vinCheckDigit } from './vehicles.js';

/** Default seed of the sandbox population. */
export const DEFAULT_POPULATION_SEED = 20260101;
/** Default reference date: the population is as of this day. */
export const DEFAULT_POPULATION_AS_OF = '2026-11-01';

export interface PopulationOptions {
  /** PRNG seed (mulberry32). Default {@link DEFAULT_POPULATION_SEED}. */
  seed?: number;
  /** `YYYY-MM-DD`; no date in the population is later. Default {@link DEFAULT_POPULATION_AS_OF}. */
  asOf?: string;
  /** How many households of each kind. */
  households?: Partial<HouseholdPlan>;
}

/** Builds the population: households and people, their traits, enterprises, then licences and their statuses. */
export function createPopulation(options: PopulationOptions = {}): Population {
  const seed = options.seed ?? DEFAULT_POPULATION_SEED;
  const asOf = options.asOf ?? DEFAULT_POPULATION_AS_OF;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new RangeError(`createPopulation: asOf "${asOf}" is not YYYY-MM-DD`);
  const context = createContext(seed, asOf);
  createHouseholds(context, { ...DEFAULT_HOUSEHOLD_PLAN, ...options.households });
  assignTraits(context);
  createEnterprises(context);
  createCitizenLicences(context);
  createOrganizationLicences(context);
  applyStatusChanges(context);
  // Last, on a random stream of its own: everyone and everything above stays as it was before these existed.
  const organisations = createQualificationsAndOrganisations(context, seed);
  createWorksLicences(context, seed);   // the same, for the works and wildlife themes (MX-T36, MX-T39)
  recordDeaths(context, seed);   // the same: retirees who died, with the 居民死亡医学证明（推断）书 (MX-T23)
  createLabourDispatchCompanies(context, seed);   // the same: 劳务派遣 companies and their 劳务派遣经营许可证 (MX-T14)
  recordNewCars(context, seed);   // the same: buyers of a new car, its 车辆购置税完税证明 (MX-T22)
  addPageDetails(context, seed);   // the same: 文化程度, 婚姻状况 of the 户口簿 page, the 社保卡's bank (MX-T11, MX-T26, MX-T30)
  return {
    seed, asOf,
    persons: context.persons, households: context.households, enterprises: context.enterprises, organisations, licences: context.licences,
  };
}
