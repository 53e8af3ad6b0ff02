import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  signUp: (_parent, { input }, { accounts, clientAddress }) => accounts.signUp(input, clientAddress),
  logIn: (_parent, { email, password }, { accounts, clientAddress }) => accounts.logIn(email, password, clientAddress),
  refreshSession: (_parent, { refreshToken }, { accounts }) => accounts.refreshSession(refreshToken),
  logOut: (_parent, { refreshToken }, { accounts }) => accounts.logOut(refreshToken),
  logOutEverywhere: (_parent, _args, { accounts, caller }) => accounts.logOutEverywhere(caller),
  changePassword: (_parent, { currentPassword, newPassword }, { accounts, caller, clientAddress }) =>
    accounts.changePassword(caller, currentPassword, newPassword, clientAddress),
  updateProfile: (_parent, { input }, { accounts, caller, clientAddress }) => accounts.updateProfile(caller, input, clientAddress),
  requestPasswordReset: (_parent, { email }, { accounts, clientAddress }) => accounts.requestPasswordReset(email, clientAddress),
  completePasswordReset: (_parent, { token, newPassword }, { accounts, clientAddress }) => accounts.completePasswordReset(token, newPassword, clientAddress),
  setUserRole: (_parent, { id, role }, { accountAdmin, caller }) => accountAdmin.setRole(caller, id, role),
  disableUser: (_parent, { id }, { accountAdmin, caller }) => accountAdmin.disable(caller, id),
  enableUser: (_parent, { id }, { accountAdmin, caller }) => accountAdmin.enable(caller, id),
  addAddress: (_parent, { input }, { addressBook, caller }) => addressBook.add(caller, input.address, input.isDefault === true),
  updateAddress: async (_parent, { input }, { addressBook, caller }) => ({ address: await addressBook.update(caller, input.id, input.address), errors: [] }),
  removeAddress: async (_parent, { input }, { addressBook, caller, userById }) => ({
    user: await userById.load(await addressBook.remove(caller, input.id)),
    errors: [],
  }),
  setDefaultAddress: async (_parent, { input }, { addressBook, caller }) => ({ address: await addressBook.setDefault(caller, input.id), errors: [] }),
};
