import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createPersistedQueryManifest, formatPersistedQueryManifest, parsePersistedQueryManifest, type PersistedQueryManifest } from '@rtc/service-kit';

/** Where each client's manifest of trusted documents is committed; the same path from src/ and from the built dist/. */
export const trustedDocumentsDirectory = new URL('../trusted-documents/', import.meta.url);

/** The committed manifest file of one client, e.g. `dashboard` or `simulator`. */
export function manifestFileOf(client: string, directory: URL = trustedDocumentsDirectory): URL {
  if (!/^[a-z][a-z0-9-]*$/.test(client)) throw new Error(`a client's name is lowercase letters, digits and -, got "${client}"`);
  return new URL(`${client}.json`, directory);
}

/** Registers a client's operations (the exports of its operations module) with the gateway: writes its manifest. */
export function writeClientManifest(client: string, operations: Record<string, unknown>, directory: URL = trustedDocumentsDirectory): PersistedQueryManifest {
  const manifest = createPersistedQueryManifest(operations);
  writeFileSync(manifestFileOf(client, directory), formatPersistedQueryManifest(manifest));
  return manifest;
}

/** Every manifest in `directory`, by file name. */
export function readManifests(directory: URL = trustedDocumentsDirectory): Map<string, PersistedQueryManifest> {
  const manifests = new Map<string, PersistedQueryManifest>();
  if (!existsSync(directory)) return manifests;
  for (const name of readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()) {
    manifests.set(name, parsePersistedQueryManifest(readFileSync(new URL(name, directory), 'utf8'), name));
  }
  return manifests;
}
