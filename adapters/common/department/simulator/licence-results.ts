/**
 * The simulated departments' answers to the matters whose results the
 * gateway issues as licences (docs/licence-issuance.md), by matter code:
 * what each department completes them with instead of its default results.
 * The sandbox gives every department simulator {@link licenceResultOutcomes}.
 */
import type { DepartmentResult, SubApplicationDelivery } from '../../../../src/domain/department-channel.js';
import type { Population } from '../../population/index.js';
import { BIRTH_REGISTRATION_MATTER, birthRegistrationResults } from './birth-registration.js';
import type { DepartmentOutcome } from './department-events.js';
import { BUSINESS_REGISTRATION_MATTER, businessRegistrationResults, FOOD_LICENCE_MATTER, foodLicenceResults } from './market-registration.js';
import { SOCIAL_SECURITY_CARD_MATTER, socialSecurityCardResults } from './social-security-card.js';

/** The results of a completed matter, undefined when its form lacks what they need (the default results then). */
type LicenceResults = (delivery: SubApplicationDelivery, population: Population | undefined) => DepartmentResult[] | undefined;

/** Matter code → its results: 出生登记 (户口簿 page), 个体工商户设立 (营业执照), 食品经营许可证核发, 社会保障卡申领. */
export const LICENCE_RESULTS: Readonly<Record<string, LicenceResults>> = {
  [BIRTH_REGISTRATION_MATTER]: birthRegistrationResults,
  [BUSINESS_REGISTRATION_MATTER]: businessRegistrationResults,
  [FOOD_LICENCE_MATTER]: foodLicenceResults,
  [SOCIAL_SECURITY_CARD_MATTER]: socialSecurityCardResults,
};

/**
 * An outcome script completing the matters of {@link LICENCE_RESULTS} with their results; undefined (the
 * simulator's default) for every other matter.
 * @param population the synthetic province (出生登记 reads the mother's household from it).
 */
export function licenceResultOutcomes(population: Population | undefined): (delivery: SubApplicationDelivery) => DepartmentOutcome | undefined {
  return (delivery) => {
    const results = LICENCE_RESULTS[delivery.matterCode]?.(delivery, population);
    return results ? { kind: 'complete', results } : undefined;
  };
}
