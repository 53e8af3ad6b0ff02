import { requireCaller } from '@rtc/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { payloadOf } from '../orders/order-errors';

export const Mutation: MutationResolvers = {
  createCart: async (_parent, { input }, { carts }) => {
    const created = await payloadOf('created', () => carts.create(input.lines ?? []));
    return { cart: created.created?.cart ?? null, cartToken: created.created?.cartToken ?? null, errors: created.errors };
  },
  addToCart: (_parent, { input }, { caller, carts }) =>
    payloadOf('cart', () => carts.add({ caller, cartToken: input.cartToken }, input.productId, input.quantity)),
  updateCartLine: (_parent, { input }, { caller, carts }) =>
    payloadOf('cart', () => carts.update({ caller, cartToken: input.cartToken }, input.productId, input.quantity)),
  removeFromCart: (_parent, { input }, { caller, carts }) => payloadOf('cart', () => carts.remove({ caller, cartToken: input.cartToken }, input.productId)),
  mergeCart: (_parent, { input }, { caller, carts }) => payloadOf('cart', () => carts.merge(caller, input.cartToken)),
  placeOrder: (_parent, { input }, { caller, checkout }) => checkout.placeOrder(requireCaller(caller), input),
  payOrder: (_parent, { orderId, paymentToken }, { caller, lifecycle }) => lifecycle.pay(requireCaller(caller), orderId, paymentToken),
  cancelOrder: (_parent, { orderId }, { caller, lifecycle }) => lifecycle.cancel(requireCaller(caller), orderId),
  shipOrder: (_parent, { orderId }, { caller, lifecycle }) => lifecycle.ship(requireCaller(caller), orderId),
  deliverOrder: (_parent, { orderId }, { caller, lifecycle }) => lifecycle.deliver(requireCaller(caller), orderId),
};
