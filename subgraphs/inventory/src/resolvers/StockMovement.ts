import type { StockMovementResolvers } from '../__generated__/resolvers-types';
import { noStock, productStockOf } from '../stock/stock-level';

// A ledger row names the variant whose stock moved (its product's id for a default variant).
export const StockMovement: StockMovementResolvers = {
  id: (movement) => String(movement.id),
  product: async (movement, _args, { stockByProductId, stockByParentProduct }) => {
    const productId = (await stockByProductId.load(movement.productId))?.parentProductId ?? movement.productId;
    return { id: String(productId), stock: productStockOf(productId, await stockByParentProduct.load(productId)) };
  },
  variant: async (movement, _args, { stockByProductId }) => ({
    id: String(movement.productId),
    stock: (await stockByProductId.load(movement.productId)) ?? noStock(movement.productId),
  }),
  at: (movement) => movement.createdAt,
};
