import { requireCaller } from '@rtc/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types';

const userIdOf = (caller: Parameters<typeof requireCaller>[0]) => Number(requireCaller(caller).userId);

export const Mutation: MutationResolvers = {
  addToCart: (_parent, { productId, quantity, variantId }, { caller, carts }) => carts.add(userIdOf(caller), productId, quantity, variantId),
  updateCartLine: (_parent, { productId, quantity, variantId }, { caller, carts }) => carts.update(userIdOf(caller), productId, quantity, variantId),
  removeFromCart: (_parent, { productId, variantId }, { caller, carts }) => carts.remove(userIdOf(caller), productId, variantId),
  placeOrder: (_parent, { input }, { caller, checkout }) => checkout.placeOrder(requireCaller(caller), input),
  payOrder: (_parent, { orderId, paymentToken }, { caller, lifecycle }) => lifecycle.pay(requireCaller(caller), orderId, paymentToken),
  cancelOrder: (_parent, { orderId }, { caller, lifecycle }) => lifecycle.cancel(requireCaller(caller), orderId),
  shipOrder: (_parent, { orderId }, { caller, lifecycle }) => lifecycle.ship(requireCaller(caller), orderId),
  deliverOrder: (_parent, { orderId }, { caller, lifecycle }) => lifecycle.deliver(requireCaller(caller), orderId),
};
