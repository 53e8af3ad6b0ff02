export * from './databases';
export * from './graphql';
export * from './services';
export * from './live-client';
