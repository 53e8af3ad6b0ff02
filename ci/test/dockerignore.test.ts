import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyBuildContext, isIgnored, parseDockerignore } from '../src/dockerignore';

describe('.dockerignore rules', () => {
  const rules = parseDockerignore('# comment\n.git\n**/node_modules\n**/*.log\n!keep.log\n/dist\n');

  it('anchors patterns at the context root and lets ** reach any depth', () => {
    expect(isIgnored(rules, '.git/config')).toBe(true);
    expect(isIgnored(rules, 'sub/.git')).toBe(false);
    expect(isIgnored(rules, 'node_modules/x/index.js')).toBe(true);
    expect(isIgnored(rules, 'subgraphs/catalog/node_modules/x/index.js')).toBe(true);
    expect(isIgnored(rules, 'dist/main.js')).toBe(true);
    expect(isIgnored(rules, 'gateway/dist/main.js')).toBe(false);
  });

  it('lets a later ! rule take a path back', () => {
    expect(isIgnored(rules, 'debug.log')).toBe(true);
    expect(isIgnored(rules, 'keep.log')).toBe(false);
  });

  it('copies the context without what the rules leave out', () => {
    const context = mkdtempSync(path.join(os.tmpdir(), 'rtc-context-'));
    for (const file of ['package.json', 'node_modules/a/index.js', 'gateway/src/main.ts', 'gateway/node_modules/b/index.js']) {
      mkdirSync(path.dirname(path.join(context, file)), { recursive: true });
      writeFileSync(path.join(context, file), '');
    }
    const target = mkdtempSync(path.join(os.tmpdir(), 'rtc-context-copy-'));
    copyBuildContext(context, parseDockerignore('**/node_modules\n'), target);
    expect(readdirSync(target, { recursive: true }).map(String).sort()).toEqual(['gateway', 'gateway/src', 'gateway/src/main.ts', 'package.json']);
    for (const dir of [context, target]) rmSync(dir, { recursive: true, force: true });
  });
});
