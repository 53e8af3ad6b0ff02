import type DataLoader from 'dataloader';
import type { BaseContext } from '@rtc/service-kit';
import type { StockRow } from './db/schema';
import type { Reservations } from './reservations/reservations';
import type { StockAdmin } from './stock/stock-admin';
import type { StockReports } from './stock/stock-reports';

export interface InventoryContext extends BaseContext {
  /** One stock row by its id: a variant's id (the product's for its default variant). */
  readonly stockByProductId: DataLoader<number, StockRow | null>;
  /** A product's stock rows, one per variant stocked. */
  readonly stockByParentProduct: DataLoader<number, StockRow[]>;
  readonly stockAdmin: StockAdmin;
  readonly stockReports: StockReports;
  readonly reservations: Reservations;
}
