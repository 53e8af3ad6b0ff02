import { badInput, refuseControlCharacters } from '@rtc/service-kit';
import type { ProductImageRow } from '../db/schema';

export const MAX_PRODUCT_IMAGES = 20;
export const MAX_IMAGE_URL_LENGTH = 2048;
export const MAX_ALT_TEXT_LENGTH = 500;

export interface ProductImageArgs {
  readonly url: string;
  readonly altText?: string | null;
}

/** An image to store, its position taken from its place in the list. */
export type NewProductImage = Omit<ProductImageRow, 'productId'>;

/** An absolute http(s) URL with a host, without whitespace; what a browser can load as an <img src>. */
export function validateImageUrl(argument: string, value: string): string {
  const url = value.trim();
  if (url.length === 0 || url.length > MAX_IMAGE_URL_LENGTH) throw badInput(argument, `must be 1 to ${MAX_IMAGE_URL_LENGTH} characters`);
  if (/\s/.test(url)) throw badInput(argument, 'must not contain whitespace');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badInput(argument, 'must be an absolute http or https URL');
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname.length === 0) {
    throw badInput(argument, 'must be an absolute http or https URL');
  }
  if (parsed.username || parsed.password) throw badInput(argument, 'must not carry credentials');
  return url;
}

/** The list a product's images are replaced with, in order, each position its index; `argument` names the list. */
export function parseProductImages(argument: string, images: readonly ProductImageArgs[]): NewProductImage[] {
  if (images.length > MAX_PRODUCT_IMAGES) throw badInput(argument, `must hold at most ${MAX_PRODUCT_IMAGES} images`);
  return images.map((image, position) => {
    const altText = (image.altText ?? '').trim();
    if (altText.length > MAX_ALT_TEXT_LENGTH) throw badInput(`${argument}.${position}.altText`, `must be at most ${MAX_ALT_TEXT_LENGTH} characters`);
    return {
      position,
      url: validateImageUrl(`${argument}.${position}.url`, image.url),
      altText: refuseControlCharacters(`${argument}.${position}.altText`, altText),
    };
  });
}
