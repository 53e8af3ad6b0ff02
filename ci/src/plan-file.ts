import { readFileSync } from 'node:fs';
import { serviceNames } from '@rtc/manifests';
import { callerPath } from './cli';
import type { DeployPlan } from './deploy-plan';

/** Reads a plan written by `ci:plan`, refusing one that names services RTC does not have or leaves one out. */
export function readPlan(file: string): DeployPlan {
  const plan = JSON.parse(readFileSync(callerPath(file), 'utf8')) as DeployPlan;
  const named = [...plan.build, ...Object.keys(plan.kept)];
  const unknown = named.filter((name) => !(serviceNames as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`${file} names unknown services: ${unknown.join(', ')}`);
  if (new Set(named).size !== serviceNames.length || named.length !== serviceNames.length) {
    throw new Error(`${file} must build or keep every service exactly once`);
  }
  return plan;
}
