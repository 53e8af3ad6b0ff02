import { badInput } from './errors';
import { refuseControlCharacters } from './text-input';

/** A postal address as a shopper types it: saved on an account (users) and copied onto an order (orders). */
export interface PostalAddress {
  readonly name: string;
  readonly line1: string;
  readonly line2: string | null;
  readonly city: string;
  readonly region: string | null;
  readonly postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string;
  readonly phone: string | null;
}

/** What a client sends: optional parts may be missing or null. */
export interface PostalAddressInput {
  readonly name: string;
  readonly line1: string;
  readonly line2?: string | null;
  readonly city: string;
  readonly region?: string | null;
  readonly postalCode: string;
  readonly country: string;
  readonly phone?: string | null;
}

const limits = { name: 100, line1: 200, line2: 200, city: 100, region: 100, postalCode: 20, phone: 32 } as const;

function text(argument: string, value: string, max: number): string {
  const trimmed = refuseControlCharacters(argument, value).trim();
  if (trimmed.length === 0) throw badInput(argument, 'must not be empty');
  if (trimmed.length > max) throw badInput(argument, `must be at most ${max} characters`);
  return trimmed;
}

function optional(argument: string, value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined || value.trim().length === 0) return null;
  return text(argument, value, max);
}

/**
 * Checks and trims an address; `argument` is the path of the input (e.g. `input.address`), and a refusal is a
 * BAD_USER_INPUT naming the field at fault. Countries are two-letter ISO codes, so tax can be looked up by them.
 */
export function validatePostalAddress(input: PostalAddressInput, argument: string): PostalAddress {
  const country = input.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw badInput(`${argument}.country`, 'must be a two-letter ISO 3166 code such as US or DE');
  const phone = optional(`${argument}.phone`, input.phone, limits.phone);
  if (phone !== null && !/^\+?[0-9 ()./-]{4,}$/.test(phone)) throw badInput(`${argument}.phone`, 'must be a phone number');
  return {
    name: text(`${argument}.name`, input.name, limits.name),
    line1: text(`${argument}.line1`, input.line1, limits.line1),
    line2: optional(`${argument}.line2`, input.line2, limits.line2),
    city: text(`${argument}.city`, input.city, limits.city),
    region: optional(`${argument}.region`, input.region, limits.region),
    postalCode: text(`${argument}.postalCode`, input.postalCode, limits.postalCode),
    country,
    phone,
  };
}
