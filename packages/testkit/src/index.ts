export * from './databases';
export * from './graphql';
export * from './services';
export * from './live-client';
export * from './raw-http';
export * from './raw-socket';
export * from './otlp-receiver';
export * from './private-servers';
