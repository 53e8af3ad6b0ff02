import type DataLoader from 'dataloader';
import type { BaseContext } from '@rtc/service-kit';
import type { Categories } from './catalog/categories';
import type { Products } from './catalog/products';
import type { Variants } from './catalog/variants';
import type { CategoryRow, ProductImageRow, ProductRow, ProductVariantRow } from './db/schema';

export interface CatalogContext extends BaseContext {
  readonly products: Products;
  readonly categories: Categories;
  readonly productById: DataLoader<number, ProductRow | null>;
  readonly categoryById: DataLoader<number, CategoryRow | null>;
  /** A product's images by position. */
  readonly imagesByProductId: DataLoader<number, ProductImageRow[]>;
  /** A category's children by name. */
  readonly childrenByCategoryId: DataLoader<number, CategoryRow[]>;
  readonly variants: Variants;
  /** Any variant, removed ones too. */
  readonly variantById: DataLoader<number, ProductVariantRow | null>;
  /** A product's live variants by position. */
  readonly variantsByProduct: DataLoader<number, ProductVariantRow[]>;
}
