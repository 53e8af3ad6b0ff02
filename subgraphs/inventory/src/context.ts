import type DataLoader from 'dataloader';
import type { BaseContext } from '@rtc/service-kit';
import type { StockRow } from './db/schema';
import type { Reservations } from './reservations/reservations';
import type { StockAdmin } from './stock/stock-admin';
import type { StockReports } from './stock/stock-reports';

export interface InventoryContext extends BaseContext {
  readonly stockByProductId: DataLoader<number, StockRow | null>;
  readonly stockAdmin: StockAdmin;
  readonly stockReports: StockReports;
  readonly reservations: Reservations;
}
