import { readFileSync } from 'node:fs';
import { serviceNames } from '@rtc/manifests';
import { callerPath } from './cli';
import type { DeployPlan } from './deploy-plan';

/** Reads a plan written by `ci:plan`, refusing one that names services RTC does not have. */
export function readPlan(file: string): DeployPlan {
  const plan = JSON.parse(readFileSync(callerPath(file), 'utf8')) as DeployPlan;
  const unknown = [...plan.build, ...Object.keys(plan.images)].filter((name) => !(serviceNames as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`${file} names unknown services: ${unknown.join(', ')}`);
  if (Object.keys(plan.images).length !== serviceNames.length) throw new Error(`${file} must give an image tag for every service`);
  return plan;
}
