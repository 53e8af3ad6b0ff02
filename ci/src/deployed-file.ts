import { existsSync, readFileSync } from 'node:fs';
import type { ServiceName } from '@rtc/manifests';
import { callerPath } from './cli';
import { parseDeployed, type DeployedService } from './deploy-plan';

/** Reads `kubectl get deployments -o json` saved to a file; missing or empty means nothing runs yet. */
export function readDeployed(file: string | undefined): Partial<Record<ServiceName, DeployedService>> {
  const resolved = file ? callerPath(file) : undefined;
  const json = resolved && existsSync(resolved) ? readFileSync(resolved, 'utf8').trim() : '';
  return json ? parseDeployed(json) : {};
}
