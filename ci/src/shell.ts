/** Quotes a word for POSIX sh, so names and paths never split or expand. */
export function quote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

export function command(...words: string[]): string {
  return words.map(quote).join(' ');
}

/** A script for the tool containers (buildah, skopeo, alpine/k8s): POSIX sh, stops at the first failure. */
export function shellScript(purpose: string, body: readonly string[]): string {
  return ['#!/bin/sh', `# ${purpose}`, '# Written by @rtc/ci; run with sh.', 'set -eu', '', ...body, ''].join('\n');
}
