/** A user as orders knows one: by id (users owns the rest). */
export interface UserReference {
  readonly id: string;
}

/** A product as orders knows one: by id (catalog owns the rest). */
export interface ProductReference {
  readonly id: string;
}

export const userReference = (id: number | string): UserReference => ({ id: String(id) });
export const productReference = (id: number | string): ProductReference => ({ id: String(id) });

/** A product variant as orders knows one: by id (catalog owns the rest). */
export interface VariantReference {
  readonly id: string;
}

export const variantReference = (id: number | string): VariantReference => ({ id: String(id) });
