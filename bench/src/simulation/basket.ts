import type { Random } from './random';
import { createWeightedPicker } from './weighted';

export interface BasketLine {
  readonly productId: string;
  readonly quantity: number;
}

// Most baskets hold one or two products; a few fill up to five. Most lines are a single unit.
const basketSizeWeights = [40, 27, 17, 10, 6];
const quantityWeights = [70, 20, 10];

/**
 * A basket of 1 to 5 different products, each drawn by `pickProduct` (popular ones more often),
 * 1 to 3 units each. Fewer lines when the catalog has fewer products.
 */
export function createBasketMaker(random: Random, pickProduct: () => string, catalogSize: number) {
  const pickSize = createWeightedPicker(basketSizeWeights, random);
  const pickQuantity = createWeightedPicker(quantityWeights, random);
  return (): BasketLine[] => {
    const size = Math.min(pickSize() + 1, catalogSize);
    const chosen = new Set<string>();
    // Popular products come up again and again; give up on variety rather than loop for ever.
    for (let tries = 0; chosen.size < size && tries < size * 20; tries++) chosen.add(pickProduct());
    return [...chosen].map((productId) => ({ productId, quantity: pickQuantity() + 1 }));
  };
}
