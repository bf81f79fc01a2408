/**
 * Vehicles for the synthetic drivers: 粤M plates (梅州), VINs with a correct
 * ISO 3779 check digit (position 9), and illustrative brand/model strings.
 */
import { unique, type Context } from './context.js';

const VIN_VALUES: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const VIN_ALPHABET = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';
const PLATE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** The ISO 3779 check digit of a 17-character VIN (position 9 ignored): Σ value × weight mod 11, 10 → X. */
export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index++) {
    const character = vin.charAt(index);
    const value = /\d/.test(character) ? Number(character) : VIN_VALUES[character];
    if (value === undefined) throw new RangeError(`vinCheckDigit: "${character}" is not allowed in a VIN`);
    sum += value * VIN_WEIGHTS[index]!;
  }
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

/** World manufacturer identifiers of makers in China, with an illustrative model designation. */
const MAKERS = [
  ['LSV', '大众汽车牌SVW7155MPD'], ['LFV', '一汽-大众牌FV7146BBDBG'], ['LHG', '广汽本田牌HG7153GAC5'],
  ['LGB', '东风日产牌DFL7160VBL2'], ['LGW', '哈弗牌CC6460RM21'], ['LC0', '比亚迪牌BYD7152WT6HEVC3'],
  ['LVG', '丰田牌GTM7151GB'], ['LB3', '吉利牌JL7152L03'],
] as const;

export interface Vehicle { plate: string; vin: string; model: string; engineNumber: string }

export function newVehicle(context: Context, registeredYear: number): Vehicle {
  const { tools } = context;
  const [wmi, model] = tools.pick(MAKERS);
  const yearCode = 'ABCDEFGHJKLMNPRSTVWXY123456789'.charAt((registeredYear - 2010 + 30) % 30);
  const vin = unique(context, 'vin', () => {
    let draft = `${wmi}${randomFrom(context, VIN_ALPHABET, 5)}0${yearCode}${randomFrom(context, VIN_ALPHABET, 1)}${tools.digits(6)}`;
    draft = draft.slice(0, 8) + vinCheckDigit(draft) + draft.slice(9);
    return draft;
  });
  const newEnergy = model.startsWith('比亚迪');
  const plate = unique(context, 'plate', () => (newEnergy
    ? `粤M${tools.pick(['D', 'F'])}${tools.digits(5)}`
    : `粤M${randomFrom(context, 'ABCDEFGHJKLMNPQRSTUVWXYZ', 1)}${randomFrom(context, PLATE_ALPHABET, 4)}`));
  return { plate, vin, model, engineNumber: randomFrom(context, '0123456789ABCDEFGHJKLMNPRSTUVWXYZ', 8) };
}

function randomFrom(context: Context, alphabet: string, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) text += alphabet.charAt(context.tools.int(0, alphabet.length - 1));
  return text;
}
