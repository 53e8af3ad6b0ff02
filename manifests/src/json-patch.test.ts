import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from './json-patch';

describe('applyJsonPatch', () => {
  const document = { metadata: { annotations: { 'eks.amazonaws.com/role-arn': 'set-by-overlay' } }, spec: { list: ['a', 'b'] } };

  it('replaces a value whose key holds a slash, written ~1', () => {
    const patched = applyJsonPatch(document, [
      { op: 'replace', path: '/metadata/annotations/eks.amazonaws.com~1role-arn', value: 'arn:aws:iam::123456789012:role/x' },
    ]);
    expect(patched.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/x');
  });

  it('leaves the input untouched', () => {
    applyJsonPatch(document, [{ op: 'remove', path: '/spec/list/0' }]);
    expect(document.spec.list).toEqual(['a', 'b']);
  });

  it('adds to arrays by index and at the end with -', () => {
    const patched = applyJsonPatch(document, [
      { op: 'add', path: '/spec/list/1', value: 'x' },
      { op: 'add', path: '/spec/list/-', value: 'z' },
    ]);
    expect(patched.spec.list).toEqual(['a', 'x', 'b', 'z']);
  });

  it('refuses to replace what does not exist', () => {
    expect(() => applyJsonPatch(document, [{ op: 'replace', path: '/spec/missing', value: 1 }])).toThrow(/nothing at \/spec\/missing/);
  });

  it('stops at a failing test operation', () => {
    expect(() =>
      applyJsonPatch(document, [
        { op: 'test', path: '/spec/list/0', value: 'b' },
        { op: 'remove', path: '/spec' },
      ]),
    ).toThrow(/value differs/);
  });

  it('moves and copies values', () => {
    const patched = applyJsonPatch(document, [
      { op: 'copy', from: '/spec/list', path: '/spec/copy' },
      { op: 'move', from: '/spec/list/0', path: '/spec/first' },
    ]) as unknown as { spec: Record<string, unknown> };
    expect(patched.spec).toEqual({ list: ['b'], copy: ['a', 'b'], first: 'a' });
  });
});
