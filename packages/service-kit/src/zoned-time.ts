// Bucket boundaries in the store's time zone, from Intl alone (no time zone tables needed in MySQL).

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function wallTimeOf(instant: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year']!,
    month: parts['month']!,
    day: parts['day']!,
    hour: parts['hour']!,
    minute: parts['minute']!,
    second: parts['second']!,
  };
}

const dayNumber = (wall: WallTime) => Date.UTC(wall.year, wall.month - 1, wall.day) / 86_400_000;

/** The first instant of the store-local day that contains `instant`. */
export function startOfZonedDay(instant: number, timeZone: string): number {
  const wall = wallTimeOf(instant, timeZone);
  const target = dayNumber(wall);
  // Without a clock change since midnight this is exact; otherwise the search below finds the day's first minute.
  const guess = instant - ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000 - (((instant % 1000) + 1000) % 1000);
  const isStart = (t: number) => dayNumber(wallTimeOf(t, timeZone)) === target && dayNumber(wallTimeOf(t - 60_000, timeZone)) < target;
  if (isStart(guess)) return guess;
  let low = guess - 3 * 3_600_000;
  let high = Math.min(instant, guess + 3 * 3_600_000);
  while (high - low > 60_000) {
    const middle = low + Math.floor((high - low) / 120_000) * 60_000;
    if (dayNumber(wallTimeOf(middle, timeZone)) >= target) high = middle;
    else low = middle;
  }
  return high;
}

/** The first instant of the store-local hour that contains `instant`. */
export function startOfZonedHour(instant: number, timeZone: string): number {
  const wall = wallTimeOf(instant, timeZone);
  return instant - (wall.minute * 60 + wall.second) * 1000 - (((instant % 1000) + 1000) % 1000);
}

/** The first instant of the store-local week (Monday) that contains `instant`. */
export function startOfZonedWeek(instant: number, timeZone: string): number {
  const dayStart = startOfZonedDay(instant, timeZone);
  const wall = wallTimeOf(dayStart, timeZone);
  const weekday = (new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay() + 6) % 7;
  // Back to the Monday's noon (clear of any clock change), then to that day's start.
  return weekday === 0 ? dayStart : startOfZonedDay(dayStart - weekday * 86_400_000 + 12 * 3_600_000, timeZone);
}

/** Start of every store-local week (from Monday) that overlaps [from, to), in order. */
export function weekStarts(from: number, to: number, timeZone: string): number[] {
  const starts: number[] = [];
  for (let start = startOfZonedWeek(from, timeZone); start < to; start = startOfZonedWeek(start + 7 * 86_400_000 + 12 * 3_600_000, timeZone)) {
    starts.push(start);
  }
  return starts;
}

/** The store-local date of `instant`, YYYY-MM-DD. */
export function zonedDateOf(instant: number, timeZone: string): string {
  const wall = wallTimeOf(instant, timeZone);
  return `${wall.year}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`;
}

export function startOfMinute(instant: number): number {
  return Math.floor(instant / 60_000) * 60_000;
}

export type Bucket = 'MINUTE' | 'HOUR' | 'DAY';

export function startOfBucket(instant: number, bucket: Bucket, timeZone: string): number {
  switch (bucket) {
    case 'MINUTE':
      return startOfMinute(instant);
    case 'HOUR':
      return startOfZonedHour(instant, timeZone);
    case 'DAY':
      return startOfZonedDay(instant, timeZone);
  }
}

// Far enough into the next bucket for any clock change (days last 23 to 25 hours), never past it.
const stride: Record<Bucket, number> = { MINUTE: 60_000, HOUR: 3_600_000, DAY: 26 * 3_600_000 };

/** Start of every bucket that overlaps [from, to), in order. */
export function bucketStarts(from: number, to: number, bucket: Bucket, timeZone: string): number[] {
  const starts: number[] = [];
  let start = startOfBucket(from, bucket, timeZone);
  while (start < to) {
    starts.push(start);
    let next = startOfBucket(start + stride[bucket], bucket, timeZone);
    if (next <= start) next = start + stride[bucket];
    start = next;
  }
  return starts;
}
