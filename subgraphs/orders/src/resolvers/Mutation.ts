import { requireCaller } from '@rtc/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { orderPayload } from '../orders/order-errors';

const userIdOf = (caller: Parameters<typeof requireCaller>[0]) => Number(requireCaller(caller).userId);

export const Mutation: MutationResolvers = {
  addToCart: (_parent, { productId, quantity }, { caller, carts }) => carts.add(userIdOf(caller), productId, quantity),
  updateCartLine: (_parent, { productId, quantity }, { caller, carts }) => carts.update(userIdOf(caller), productId, quantity),
  removeFromCart: (_parent, { productId }, { caller, carts }) => carts.remove(userIdOf(caller), productId),
  placeOrder: (_parent, { input }, context) => orderPayload(context, 'placeOrder', () => context.checkout.placeOrder(requireCaller(context.caller), input)),
  payOrder: (_parent, { input }, context) =>
    orderPayload(context, 'payOrder', () => context.lifecycle.pay(requireCaller(context.caller), input.orderId, input.paymentToken)),
  cancelOrder: (_parent, { input }, context) =>
    orderPayload(context, 'cancelOrder', () => context.lifecycle.cancel(requireCaller(context.caller), input.orderId)),
  shipOrder: (_parent, { input }, context) => orderPayload(context, 'shipOrder', () => context.lifecycle.ship(requireCaller(context.caller), input.orderId)),
  deliverOrder: (_parent, { input }, context) =>
    orderPayload(context, 'deliverOrder', () => context.lifecycle.deliver(requireCaller(context.caller), input.orderId)),
};
