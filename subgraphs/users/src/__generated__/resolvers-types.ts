import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { UserView } from '../accounts/user-view';
import type { UsersContext } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 instant in UTC. */
  DateTime: { input: Date; output: Date; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** What the gateway checks a token against: the account as it stands now. Internal. */
export type AccountStanding = {
  __typename?: 'AccountStanding';
  /** True when an admin disabled the account. */
  disabled: Scalars['Boolean']['output'];
  /** The user's current role. */
  role: Role;
  /** Tokens carrying another version were revoked. */
  tokenVersion: Scalars['Int']['output'];
  /** The user's id. */
  userId: Scalars['ID']['output'];
};

/** A session: a short-lived access token, the refresh token that renews it, and the user they belong to. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** When the token stops being accepted. */
  expiresAt: Scalars['DateTime']['output'];
  /** When the refresh token stops being accepted. */
  refreshExpiresAt: Scalars['DateTime']['output'];
  /** Opaque, single-use: exchange it with `refreshSession` for a new pair before `refreshExpiresAt`. */
  refreshToken: Scalars['String']['output'];
  /** JWT to send as `Authorization: Bearer <token>`. */
  token: Scalars['String']['output'];
  /** The user the token speaks for, as they see themselves (their own email included). */
  user: User;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Changes the logged-in user's password; every other session and token ends, and a new session is returned. A wrong currentPassword counts against the log-in limits. */
  changePassword: AuthPayload;
  /**
   * Sets a new password with a token from requestPasswordReset: single-use, valid for PASSWORD_RESET_TTL_SECONDS, and
   * only the latest one of an account works. Every session and token of the account ends; a new session is returned.
   * An unknown, used or expired token is BAD_USER_INPUT on `token`; failures count per client address.
   */
  completePasswordReset: AuthPayload;
  /** Disables an account: its tokens and sessions stop working at once. ADMIN only. */
  disableUser: User;
  /** Lets a disabled account log in again. ADMIN only. */
  enableUser: User;
  /** Exchanges email and password for an access token and a refresh token. */
  logIn: AuthPayload;
  /** Ends the session of this refresh token. True when it was still active. */
  logOut: Scalars['Boolean']['output'];
  /** Ends every session of the logged-in user and revokes their access tokens. */
  logOutEverywhere: Scalars['Boolean']['output'];
  /** Exchanges a refresh token for a new pair; the old one stops working. Reusing a spent one ends the whole session. */
  refreshSession: AuthPayload;
  /**
   * Sends a password-reset token to this email when an account has it (through the store's PasswordResetDelivery).
   * Always true, whether or not the account exists, so the answer tells nothing about which emails have accounts.
   * Limited per email and per client address (RATE_LIMITED).
   */
  requestPasswordReset: Scalars['Boolean']['output'];
  /** Gives a user another role; their tokens are revoked. ADMIN only. */
  setUserRole: User;
  /** Creates a customer account and logs it in. */
  signUp: AuthPayload;
  /** Changes the logged-in user's name and email; an email already taken is CONFLICT, a wrong currentPassword UNAUTHENTICATED. */
  updateProfile: User;
};


export type MutationChangePasswordArgs = {
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
};


export type MutationCompletePasswordResetArgs = {
  newPassword: Scalars['String']['input'];
  token: Scalars['String']['input'];
};


export type MutationDisableUserArgs = {
  id: Scalars['ID']['input'];
};


export type MutationEnableUserArgs = {
  id: Scalars['ID']['input'];
};


export type MutationLogInArgs = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationLogOutArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationRefreshSessionArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationRequestPasswordResetArgs = {
  email: Scalars['String']['input'];
};


export type MutationSetUserRoleArgs = {
  id: Scalars['ID']['input'];
  role: Role;
};


export type MutationSignUpArgs = {
  input: SignUpInput;
};


export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};

export type Query = {
  __typename?: 'Query';
  /** The standing of existing accounts (deleted ones are left out); RTC services only, with the internal token. */
  accountStandings: Array<AccountStanding>;
  /** The logged-in user, or null without a token. */
  me?: Maybe<User>;
  /** A user by id; staff only. Null when unknown. */
  user?: Maybe<User>;
};


export type QueryAccountStandingsArgs = {
  userIds: Array<Scalars['ID']['input']>;
};


export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};

/** What a user may do: customers shop, analysts read sales, admins run the store. */
export type Role =
  /** Everything an analyst does, plus stock and order administration. */
  | 'ADMIN'
  /** Reads sales analytics and live dashboards. */
  | 'ANALYST'
  /** Shops and follows their own orders. */
  | 'CUSTOMER';

/** A new customer account. */
export type SignUpInput = {
  /** Log-in email; unique across the store. */
  email: Scalars['String']['input'];
  /** Display name, 1 to 100 characters. */
  name: Scalars['String']['input'];
  /** At least 10 characters. */
  password: Scalars['String']['input'];
};

/** Changes to the logged-in user's own profile; fields left out stay as they are. */
export type UpdateProfileInput = {
  /** The account's current password; required to change the email, wrong ones count against the log-in limits. */
  currentPassword?: InputMaybe<Scalars['String']['input']>;
  /** New log-in email, unique across the store; needs currentPassword. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** Display name, 1 to 100 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** A customer or a member of staff. */
export type User = {
  __typename?: 'User';
  /** When the account was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When an admin disabled the account, null while it is enabled; ADMIN only. */
  disabledAt?: Maybe<Scalars['DateTime']['output']>;
  /** Log-in email; visible to the user and to staff only, null for anyone else. */
  email?: Maybe<Scalars['String']['output']>;
  /** Stable identifier. */
  id: Scalars['ID']['output'];
  /** Display name. */
  name: Scalars['String']['output'];
  /** What the user may do. */
  role: Role;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AccountStanding: ResolverTypeWrapper<AccountStanding>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AuthPayload: ResolverTypeWrapper<Omit<AuthPayload, 'user'> & { user: ResolversTypes['User'] }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Role: Role;
  SignUpInput: SignUpInput;
  UpdateProfileInput: UpdateProfileInput;
  User: ResolverTypeWrapper<UserView>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AccountStanding: AccountStanding;
  Boolean: Scalars['Boolean']['output'];
  Int: Scalars['Int']['output'];
  ID: Scalars['ID']['output'];
  AuthPayload: Omit<AuthPayload, 'user'> & { user: ResolversParentTypes['User'] };
  String: Scalars['String']['output'];
  DateTime: Scalars['DateTime']['output'];
  Mutation: Record<PropertyKey, never>;
  Query: Record<PropertyKey, never>;
  SignUpInput: SignUpInput;
  UpdateProfileInput: UpdateProfileInput;
  User: UserView;
}>;

export type AccountStandingResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['AccountStanding'] = ResolversParentTypes['AccountStanding']> = ResolversObject<{
  disabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  tokenVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  userId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type AuthPayloadResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['AuthPayload'] = ResolversParentTypes['AuthPayload']> = ResolversObject<{
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  refreshExpiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  refreshToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MutationResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  changePassword?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationChangePasswordArgs, 'currentPassword' | 'newPassword'>>;
  completePasswordReset?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationCompletePasswordResetArgs, 'newPassword' | 'token'>>;
  disableUser?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationDisableUserArgs, 'id'>>;
  enableUser?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationEnableUserArgs, 'id'>>;
  logIn?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationLogInArgs, 'email' | 'password'>>;
  logOut?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationLogOutArgs, 'refreshToken'>>;
  logOutEverywhere?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  refreshSession?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationRefreshSessionArgs, 'refreshToken'>>;
  requestPasswordReset?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRequestPasswordResetArgs, 'email'>>;
  setUserRole?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationSetUserRoleArgs, 'id' | 'role'>>;
  signUp?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationSignUpArgs, 'input'>>;
  updateProfile?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationUpdateProfileArgs, 'input'>>;
}>;

export type QueryResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  accountStandings?: Resolver<Array<ResolversTypes['AccountStanding']>, ParentType, ContextType, RequireFields<QueryAccountStandingsArgs, 'userIds'>>;
  me?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType, RequireFields<QueryUserArgs, 'id'>>;
}>;

export type UserResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  disabledAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = UsersContext> = ResolversObject<{
  AccountStanding?: AccountStandingResolvers<ContextType>;
  AuthPayload?: AuthPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

