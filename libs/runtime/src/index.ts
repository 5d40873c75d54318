export * from './config/ledger-config';
export * from './config/config.module';
export * from './stores.module';
export * from './heap-policy';
