import type { MutationResolvers } from '../__generated__/resolvers-types';
import { accountPayload, authPayload } from '../accounts/account-errors';

export const Mutation: MutationResolvers = {
  signUp: (_parent, { input }, context) => authPayload(context, 'signUp', () => context.accounts.signUp(input, context.clientAddress)),
  logIn: (_parent, { input }, context) => authPayload(context, 'logIn', () => context.accounts.logIn(input.email, input.password, context.clientAddress)),
  refreshSession: (_parent, { input }, context) => authPayload(context, 'refreshSession', () => context.accounts.refreshSession(input.refreshToken)),
  logOut: (_parent, { input }, context) => accountPayload(context, 'logOut', 'loggedOut', () => context.accounts.logOut(input.refreshToken)),
  logOutEverywhere: (_parent, _args, context) =>
    accountPayload(context, 'logOutEverywhere', 'loggedOut', () => context.accounts.logOutEverywhere(context.caller)),
  changePassword: (_parent, { input }, context) =>
    authPayload(context, 'changePassword', () =>
      context.accounts.changePassword(context.caller, input.currentPassword, input.newPassword, context.clientAddress),
    ),
  updateProfile: (_parent, { input }, context) =>
    accountPayload(context, 'updateProfile', 'user', () => context.accounts.updateProfile(context.caller, input, context.clientAddress)),
  requestPasswordReset: (_parent, { input }, context) =>
    accountPayload(context, 'requestPasswordReset', 'requested', () => context.accounts.requestPasswordReset(input.email, context.clientAddress)),
  completePasswordReset: (_parent, { input }, context) =>
    authPayload(context, 'completePasswordReset', () => context.accounts.completePasswordReset(input.token, input.newPassword, context.clientAddress)),
  setUserRole: (_parent, { input }, context) =>
    accountPayload(context, 'setUserRole', 'user', () => context.accountAdmin.setRole(context.caller, input.id, input.role)),
  disableUser: (_parent, { input }, context) => accountPayload(context, 'disableUser', 'user', () => context.accountAdmin.disable(context.caller, input.id)),
  enableUser: (_parent, { input }, context) => accountPayload(context, 'enableUser', 'user', () => context.accountAdmin.enable(context.caller, input.id)),
  addAddress: (_parent, { input }, { addressBook, caller }) => addressBook.add(caller, input.address, input.isDefault === true),
  updateAddress: async (_parent, { input }, { addressBook, caller }) => ({ address: await addressBook.update(caller, input.id, input.address), errors: [] }),
  removeAddress: async (_parent, { input }, { addressBook, caller, userById }) => ({
    user: await userById.load(await addressBook.remove(caller, input.id)),
    errors: [],
  }),
  setDefaultAddress: async (_parent, { input }, { addressBook, caller }) => ({ address: await addressBook.setDefault(caller, input.id), errors: [] }),
};
