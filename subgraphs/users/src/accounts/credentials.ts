import { z } from 'zod';
import { badInput, refuseControlCharacters } from '@rtc/service-kit';

export const MIN_PASSWORD_LENGTH = 10;

const emailSchema = z.email();

export function normalizeEmail(argument: string, email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > 254 || !emailSchema.safeParse(normalized).success) throw badInput(argument, 'is not a valid email address');
  return normalized;
}

export function validatePassword(argument: string, password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) throw badInput(argument, `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 256) throw badInput(argument, 'must be at most 256 characters');
  return password;
}

export function validateName(argument: string, name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100) throw badInput(argument, 'must be 1 to 100 characters');
  return refuseControlCharacters(argument, trimmed);
}
