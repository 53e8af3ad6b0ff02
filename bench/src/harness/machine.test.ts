import { describe, expect, it } from 'vitest';
import { describeMachine, formatMachine } from './machine';

describe('machine', () => {
  it('describes the machine it runs on: cores, CPU model, memory, Node and OS', () => {
    const machine = describeMachine();
    expect(machine.cores).toBeGreaterThan(0);
    expect(machine.cpuModel).not.toBe('');
    expect(machine.totalMemoryBytes).toBeGreaterThan(0);
    expect(machine.node).toBe(process.version);
    expect(machine.os).toMatch(/\S+ \S+/);
  });

  it('prints it on one line', () => {
    const line = formatMachine({ cores: 2, cpuModel: 'AMD EPYC 7R13 Processor', totalMemoryBytes: 8 * 1024 ** 3, node: 'v24.11.0', os: 'Linux 6.8.0' });
    expect(line).toBe('machine: 2 logical cores, AMD EPYC 7R13 Processor, 8.0 GiB, Node v24.11.0, Linux 6.8.0');
    expect(formatMachine({ cores: 1, cpuModel: 'x', totalMemoryBytes: 1024 ** 3, node: 'v24', os: 'Linux 6' })).toContain('1 logical core,');
  });
});
