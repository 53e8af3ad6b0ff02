import { DateTimeScalar } from '@rtc/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Product } from './Product';
import { ProductVariant } from './ProductVariant';
import { Query } from './Query';
import { Reservation, ReservationLine } from './Reservation';
import { Stock } from './Stock';
import { StockLevel } from './StockLevel';
import { StockLevelConnection } from './StockLevelConnection';
import { StockMovement } from './StockMovement';
import { StockMovementConnection } from './StockMovementConnection';
import { Subscription } from './Subscription';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Subscription,
  Product,
  ProductVariant,
  Stock,
  StockLevel,
  StockLevelConnection,
  StockMovement,
  StockMovementConnection,
  Reservation,
  ReservationLine,
};
