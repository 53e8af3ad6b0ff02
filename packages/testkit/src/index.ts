export * from './databases';
export * from './graphql';
export * from './services';
