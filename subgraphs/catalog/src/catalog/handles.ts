import { badInput } from '@rtc/service-kit';

export const MAX_HANDLE_LENGTH = 200;
const handlePattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** "Kitchen & Dining Tools" -> "kitchen-dining-tools"; accents are dropped, not the letters. */
export function slugify(text: string, maxLength: number = MAX_HANDLE_LENGTH): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}

/** A handle or slug given by a caller: trimmed, then a-z and 0-9 in words joined by single dashes. */
export function parseHandle(argument: string, value: string, maxLength: number = MAX_HANDLE_LENGTH): string {
  const handle = value.trim();
  if (handle.length > maxLength || !handlePattern.test(handle)) {
    throw badInput(argument, `must be 1 to ${maxLength} of a-z and 0-9 in words joined by single dashes`);
  }
  return handle;
}

/** The handle a product gets from its name: "product" when the name holds no letter or digit to keep. */
export function handleFromName(name: string): string {
  // Room for a "-<n>" suffix when the plain handle is taken.
  return slugify(name, MAX_HANDLE_LENGTH - 12) || 'product';
}

/**
 * The first of `base`, `base-2`, `base-3`, … that is not in `taken` (the handles already stored that start with
 * `base`).
 */
export function firstFreeHandle(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
