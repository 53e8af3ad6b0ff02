import type { StockMovementResolvers } from '../__generated__/resolvers-types';
import { noStock } from '../stock/stock-level';

export const StockMovement: StockMovementResolvers = {
  id: (movement) => String(movement.id),
  product: async (movement, _args, { stockByProductId }) => ({
    id: String(movement.productId),
    stock: (await stockByProductId.load(movement.productId)) ?? noStock(movement.productId),
  }),
  at: (movement) => movement.createdAt,
};
