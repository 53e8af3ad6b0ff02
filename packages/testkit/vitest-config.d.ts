import type { UserConfig } from 'vitest/config';

export declare function defineTestConfig(overrides?: UserConfig): UserConfig;
export declare function withUnitTier(config: UserConfig, unitFiles: string[]): UserConfig;
