import { describe, expect, it } from 'vitest';
import { parseDuration, parseSimulationOptions, UsageError } from './options';

const parse = (...argv: string[]) => parseSimulationOptions(argv, () => 1)!;

describe('simulator options', () => {
  it('defaults to 5 orders a second against the local gateway until interrupted', () => {
    const options = parse();
    expect(options.rate).toBe(5);
    expect(options.durationSeconds).toBeNull();
    expect(options.gatewayUrl.toString()).toBe('http://127.0.0.1:4000/');
    expect(options.maxInFlight).toBe(20);
    expect(options.seed).toBe(1);
  });

  it('reads rate, duration, gateway and shares', () => {
    const options = parse('--rate', '12.5', '--duration', '5m', '--gateway', 'http://localhost:4100', '--cancel-rate', '0.2', '--seed', '77');
    expect(options).toMatchObject({ rate: 12.5, durationSeconds: 300, cancelRate: 0.2, seed: 77, maxInFlight: 50 });
    expect(options.gatewayUrl.port).toBe('4100');
  });

  it('refuses a gateway on another machine unless asked to allow it', () => {
    expect(() => parse('--gateway', 'https://shop.example.com')).toThrow(/not this machine.*--allow-remote/);
    expect(parse('--gateway', 'https://shop.example.com', '--allow-remote').gatewayUrl.hostname).toBe('shop.example.com');
    expect(parse('--gateway', 'http://127.0.0.2:4000').gatewayUrl.hostname).toBe('127.0.0.2');
    expect(parse('--gateway', 'http://[::1]:4000').gatewayUrl.hostname).toBe('[::1]');
  });

  it('names the option of a bad value', () => {
    expect(() => parse('--rate', '0')).toThrow(UsageError);
    expect(() => parse('--rate', 'fast')).toThrow(/--rate/);
    expect(() => parse('--pay-rate', '1.5')).toThrow(/--pay-rate/);
    expect(() => parse('--customers', '2.5')).toThrow(/--customers: "2.5" must be an integer/);
    expect(() => parse('--gateway', 'ftp://127.0.0.1')).toThrow(/--gateway/);
    expect(() => parse('--speed', '3')).toThrow(UsageError);
  });

  it('browses before buying with the default funnel unless told not to', () => {
    expect(parse().browsing).toMatchObject({ viewRate: 0.7, cartRate: 0.22, checkoutRate: 0.55, purchaseRate: 0.65, meanThinkMs: 3_000 });
    expect(parse('--think', '0.5', '--cart-rate', '0.5').browsing).toMatchObject({ meanThinkMs: 500, cartRate: 0.5 });
    expect(parse('--no-browsing').browsing).toBeNull();
    expect(() => parse('--checkout-rate', '0')).toThrow(/--checkout-rate/);
    expect(() => parse('--think', '-1')).toThrow(/--think/);
  });

  it('returns nothing for --help', () => {
    expect(parseSimulationOptions(['--help'])).toBeNull();
  });
});

describe('durations', () => {
  it('takes seconds, minutes and hours', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('1.5m')).toBe(90);
    expect(parseDuration('2h')).toBe(7200);
  });

  it('refuses anything else', () => {
    expect(() => parseDuration('soon')).toThrow(/--duration/);
    expect(() => parseDuration('0')).toThrow(/more than zero/);
    expect(() => parseDuration('-5')).toThrow(UsageError);
  });
});
