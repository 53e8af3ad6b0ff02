// Every benchmark prints the machine it ran on beside its figures: a figure without its machine cannot be compared.
import { cpus, release, totalmem, type } from 'node:os';

export interface Machine {
  /** Logical cores the OS schedules on (hyper-threads count). */
  readonly cores: number;
  readonly cpuModel: string;
  readonly totalMemoryBytes: number;
  readonly node: string;
  /** e.g. `Linux 6.8.0-1020-aws`. */
  readonly os: string;
}

export function describeMachine(): Machine {
  const all = cpus();
  // Some virtual machines report an empty or padded model; several models (big.LITTLE) are listed once each.
  const models = [...new Set(all.map((cpu) => cpu.model.replace(/\s+/g, ' ').trim()).filter(Boolean))];
  return {
    cores: all.length,
    cpuModel: models.length > 0 ? models.join(' + ') : 'unknown CPU',
    totalMemoryBytes: totalmem(),
    node: process.version,
    os: `${type()} ${release()}`,
  };
}

/** One line: `machine: 2 logical cores, AMD EPYC 7R13 Processor, 7.7 GiB, Node v24.11.0, Linux 6.8.0`. */
export function formatMachine(machine: Machine): string {
  const gib = machine.totalMemoryBytes / 1024 ** 3;
  return (
    `machine: ${machine.cores} logical core${machine.cores === 1 ? '' : 's'}, ${machine.cpuModel}, ${gib.toFixed(1)} GiB, ` +
    `Node ${machine.node}, ${machine.os}`
  );
}

/** The line every benchmark prints first, and again beside its final figures. */
export function machineLine(): string {
  return formatMachine(describeMachine());
}
