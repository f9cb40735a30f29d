// Go's time.Location as the cron schedule needs it: the wall clock of an instant in a named zone, and
// time.Date (wall fields, overflow normalized, to an instant) in that zone. The zone data is the
// runtime's (Intl), as Go's is the system's tzdata.

export interface WallTime {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 (Sunday) – 6. */
  weekday: number;
}

/** Go's zero time.Time (January 1, year 1, UTC), which Schedule.Next returns when nothing matches. */
export const ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

/** An instant of wall fields read as UTC (setUTCFullYear keeps years below 100 as they are). */
function utcOf(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

export class TimeZone {
  private static readonly loaded = new Map<string, TimeZone>();
  private readonly format: Intl.DateTimeFormat;

  private constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** time.LoadLocation: "" and "UTC" are UTC, "Local" the process's zone; an unknown name throws Go's error. */
  static load(name: string): TimeZone {
    const resolved = name === '' ? 'UTC' : name === 'Local' ? TimeZone.local().name : name;
    let zone = TimeZone.loaded.get(resolved);
    if (!zone) {
      try {
        zone = new TimeZone(resolved);
      } catch {
        throw new Error(`unknown time zone ${name}`);
      }
      TimeZone.loaded.set(resolved, zone);
    }
    return zone;
  }

  /** time.Local: the zone the process runs in (TZ). */
  static local(): TimeZone {
    return TimeZone.load(new Intl.DateTimeFormat().resolvedOptions().timeZone);
  }

  wall(ms: number): WallTime {
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(new Date(ms))) parts[part.type] = part.value;
    const era = Number(parts['year']);
    const year = parts['era'] === 'BC' ? 1 - era : era;
    const fields = { year, month: Number(parts['month']), day: Number(parts['day']), hour: Number(parts['hour']), minute: Number(parts['minute']), second: Number(parts['second']) };
    return { ...fields, weekday: new Date(utcOf(fields.year, fields.month, fields.day, 0, 0, 0)).getUTCDay() };
  }

  /** Seconds east of UTC at the instant, in milliseconds. */
  private offsetAt(ms: number): number {
    const w = this.wall(ms);
    return utcOf(w.year, w.month, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
  }

  /**
   * time.Date in this zone: out-of-range fields carry over (month 13 is January next year); a wall time
   * that a transition skips or repeats resolves as Go's does, by the offset in force at the first guess.
   */
  date(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    const local = utcOf(year, month, day, hour, minute, second);
    let offset = this.offsetAt(local);
    const atGuess = this.offsetAt(local - offset);
    if (atGuess !== offset) offset = atGuess;
    return local - offset;
  }
}
