import { requireCaller } from '@rtc/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { cartPayload, orderPayload } from '../orders/order-errors';

export const Mutation: MutationResolvers = {
  createCart: async (_parent, { input }, context) => {
    const created = await cartPayload(context, 'createCart', 'created', () => context.carts.create(input.lines ?? []));
    return { cart: created.created?.cart ?? null, cartToken: created.created?.cartToken ?? null, errors: created.errors };
  },
  addToCart: (_parent, { input }, context) =>
    cartPayload(context, 'addToCart', 'cart', () =>
      context.carts.add({ caller: context.caller, cartToken: input.cartToken }, input.productId, input.quantity, input.variantId),
    ),
  updateCartLine: (_parent, { input }, context) =>
    cartPayload(context, 'updateCartLine', 'cart', () =>
      context.carts.update({ caller: context.caller, cartToken: input.cartToken }, input.productId, input.quantity, input.variantId),
    ),
  removeFromCart: (_parent, { input }, context) =>
    cartPayload(context, 'removeFromCart', 'cart', () =>
      context.carts.remove({ caller: context.caller, cartToken: input.cartToken }, input.productId, input.variantId),
    ),
  mergeCart: (_parent, { input }, context) => cartPayload(context, 'mergeCart', 'cart', () => context.carts.merge(context.caller, input.cartToken)),
  placeOrder: (_parent, { input }, context) => orderPayload(context, 'placeOrder', () => context.checkout.placeOrder(requireCaller(context.caller), input)),
  payOrder: (_parent, { input }, context) =>
    orderPayload(context, 'payOrder', () => context.lifecycle.pay(requireCaller(context.caller), input.orderId, input.paymentToken)),
  cancelOrder: (_parent, { input }, context) =>
    orderPayload(context, 'cancelOrder', () => context.lifecycle.cancel(requireCaller(context.caller), input.orderId)),
  shipOrder: (_parent, { input }, context) => orderPayload(context, 'shipOrder', () => context.lifecycle.ship(requireCaller(context.caller), input.orderId)),
  deliverOrder: (_parent, { input }, context) =>
    orderPayload(context, 'deliverOrder', () => context.lifecycle.deliver(requireCaller(context.caller), input.orderId)),
};
