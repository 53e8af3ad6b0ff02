import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

interface Rule {
  pattern: RegExp;
  exclude: boolean;
}

function toRegExp(pattern: string): RegExp {
  const cleaned = path.posix.normalize(pattern.replace(/^\/+/, '')).replace(/\/+$/, '');
  let source = '';
  for (let index = 0; index < cleaned.length; index += 1) {
    const char = cleaned[index]!;
    if (cleaned.startsWith('**/', index)) {
      source += '(?:.*/)?';
      index += 2;
    } else if (cleaned.startsWith('**', index)) {
      source += '.*';
      index += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** The rules of a .dockerignore, as Docker reads them: relative to the context, later lines win, `!` re-includes. */
export function parseDockerignore(text: string): Rule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => (line.startsWith('!') ? { pattern: toRegExp(line.slice(1)), exclude: false } : { pattern: toRegExp(line), exclude: true }));
}

/** Whether Docker leaves a path (relative, with forward slashes) out of the build context. */
export function isIgnored(rules: readonly Rule[], relativePath: string): boolean {
  const segments = relativePath.split('/');
  // A rule matching a folder covers everything in it.
  const selfAndParents = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const rule of rules) if (selfAndParents.some((candidate) => rule.pattern.test(candidate))) ignored = rule.exclude;
  return ignored;
}

/** Copies the build context Docker would send: everything the rules do not leave out. */
export function copyBuildContext(context: string, rules: readonly Rule[], target: string): void {
  // An excluded folder is skipped whole unless some rule re-includes a path, which could lie inside it.
  const canReinclude = rules.some((rule) => !rule.exclude);
  const walk = (relative: string) => {
    mkdirSync(path.join(target, relative), { recursive: true });
    for (const entry of readdirSync(path.join(context, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      const ignored = isIgnored(rules, child);
      if (entry.isDirectory()) {
        if (!ignored || canReinclude) walk(child);
      } else if (!ignored) {
        cpSync(path.join(context, child), path.join(target, child), { verbatimSymlinks: true });
      }
    }
  };
  walk('');
}
