import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface WorkspacePackage {
  name: string;
  /** Folder relative to the repository root, with forward slashes. */
  directory: string;
  /** The workspace packages it ships with: its `dependencies` that are workspaces of this repository. */
  runtimeDependencies: string[];
}

interface PackageJson {
  name?: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
}

function readPackage(file: string): PackageJson {
  return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
}

/** The workspace folders of the root package.json; patterns are folders or `folder/*`. */
function workspaceDirectories(root: string, patterns: readonly string[]): string[] {
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    if (!existsSync(path.join(root, parent))) return [];
    return readdirSync(path.join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`);
  });
}

export function readWorkspaces(root: string): WorkspacePackage[] {
  const directories = workspaceDirectories(root, readPackage(path.join(root, 'package.json')).workspaces ?? []).filter((directory) =>
    existsSync(path.join(root, directory, 'package.json')),
  );
  const packages = directories.map((directory) => ({ directory, json: readPackage(path.join(root, directory, 'package.json')) }));
  const names = new Set(packages.map((entry) => entry.json.name).filter((name): name is string => name !== undefined));
  return packages
    .filter((entry) => entry.json.name !== undefined)
    .map((entry) => ({
      name: entry.json.name!,
      directory: entry.directory,
      runtimeDependencies: Object.keys(entry.json.dependencies ?? {}).filter((name) => names.has(name)),
    }));
}

/** Every workspace a package ships, itself included, following dependencies transitively. */
export function shippedWorkspaces(packages: readonly WorkspacePackage[], name: string): Set<string> {
  const byName = new Map(packages.map((entry) => [entry.name, entry]));
  const seen = new Set<string>();
  const visit = (current: string) => {
    if (seen.has(current)) return;
    seen.add(current);
    byName.get(current)?.runtimeDependencies.forEach(visit);
  };
  visit(name);
  return seen;
}
