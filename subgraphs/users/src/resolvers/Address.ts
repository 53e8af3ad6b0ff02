import type { AddressResolvers } from '../__generated__/resolvers-types';

export const Address: AddressResolvers = {
  id: (address) => String(address.id),
};
