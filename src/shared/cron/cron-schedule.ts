// robfig/cron v3's standard parser, as kube-controller-manager's CronJob controller uses it
// (cron.ParseStandard): five fields (minute hour day-of-month month day-of-week) with names, ranges,
// steps, `*` and `?`; the @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly descriptors and
// `@every <duration>`; an optional `TZ=<zone>` (or `CRON_TZ=`) prefix. Errors carry robfig's text.
// Next(t) walks month → day → hour → minute in the schedule's zone exactly as SpecSchedule.Next does,
// DST gaps and the five-year search limit included.

import { goQuote } from '../go-strings.js';
import { parseGoDuration } from '../go-time.js';
import { TimeZone, ZERO_TIME } from './time-zone.js';

export interface Schedule {
  /** The first activation strictly after `ms` (ZERO_TIME when none within five years). */
  next(ms: number): number;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

/** The values a field allows, and whether it was written as `*` / `?` (robfig's starBit). */
interface Field {
  values: ReadonlySet<number>;
  star: boolean;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

function range(start: number, end: number, step: number): Set<number> {
  const values = new Set<number>();
  for (let v = start; v <= end; v += step) values.add(v);
  return values;
}

const all = (b: Bounds): Field => ({ values: range(b.min, b.max, 1), star: true });
const only = (value: number): Field => ({ values: new Set([value]), star: false });

/** strconv.Atoi plus robfig's negative check. */
function parseNumber(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: invalid syntax`);
  const n = Number(expr);
  if (!Number.isSafeInteger(n)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: value out of range`);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? parseNumber(expr);
}

/** getRange: `*`, `N`, `N-M`, each optionally `/step` ("N/step" runs to the maximum). */
function parseRange(expr: string, bounds: Bounds): Field {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    [start, end, star] = [bounds.min, bounds.max, true];
  } else {
    start = parseIntOrName(lowAndHigh[0]!, bounds.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, bounds.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseNumber(rangeAndStep[1]!);
    if (lowAndHigh.length === 1) end = bounds.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new Error(`too many slashes: ${expr}`);
  }
  if (start < bounds.min) throw new Error(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new Error(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  return { values: range(start, end, step), star };
}

function parseField(text: string, bounds: Bounds): Field {
  const values = new Set<number>();
  let star = false;
  for (const expr of text.split(',')) {
    const part = parseRange(expr, bounds);
    for (const v of part.values) values.add(v);
    star ||= part.star;
  }
  return { values, star };
}

class SpecSchedule implements Schedule {
  constructor(
    private readonly minute: Field,
    private readonly hour: Field,
    private readonly dom: Field,
    private readonly month: Field,
    private readonly dow: Field,
    private readonly zone: TimeZone,
  ) {}

  /** Both day fields restricted: either may match; one of them `*`: both must. */
  private dayMatches(day: number, weekday: number): boolean {
    const domMatch = this.dom.values.has(day);
    const dowMatch = this.dow.values.has(weekday);
    return this.dom.star || this.dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  }

  next(from: number): number {
    const zone = this.zone;
    const at = (ms: number): ReturnType<TimeZone['wall']> => zone.wall(ms);
    // The upcoming whole second; the schedule's seconds field is always 0.
    let t = Math.floor(from / 1000) * 1000 + 1000;
    let added = false;
    const yearLimit = at(t).year + 5;
    wrap: for (;;) {
      let w = at(t);
      if (w.year > yearLimit) return ZERO_TIME;
      while (!this.month.values.has(w.month)) {
        if (!added) {
          added = true;
          t = zone.date(w.year, w.month, 1, 0, 0, 0);
          w = at(t);
        }
        t = zone.date(w.year, w.month + 1, w.day, w.hour, w.minute, w.second);
        w = at(t);
        if (w.month === 1) continue wrap;
      }
      while (!this.dayMatches(w.day, w.weekday)) {
        if (!added) {
          added = true;
          t = zone.date(w.year, w.month, w.day, 0, 0, 0);
          w = at(t);
        }
        t = zone.date(w.year, w.month, w.day + 1, w.hour, w.minute, w.second);
        w = at(t);
        // Where DST moves midnight, land back on it: forward from 23h, back from 1h.
        if (w.hour !== 0) {
          t += (w.hour > 12 ? 24 - w.hour : -w.hour) * 3_600_000;
          w = at(t);
        }
        if (w.day === 1) continue wrap;
      }
      while (!this.hour.values.has(w.hour)) {
        if (!added) {
          added = true;
          t = zone.date(w.year, w.month, w.day, w.hour, 0, 0);
        }
        t += 3_600_000;
        w = at(t);
        if (w.hour === 0) continue wrap;
      }
      while (!this.minute.values.has(w.minute)) {
        if (!added) {
          added = true;
          t -= ((t % 60_000) + 60_000) % 60_000;
        }
        t += 60_000;
        w = at(t);
        if (w.minute === 0) continue wrap;
      }
      while (w.second !== 0) {
        if (!added) added = true;
        t += 1000;
        w = at(t);
        if (w.second === 0) continue wrap;
      }
      return t;
    }
  }
}

/** `@every d`: d after the last whole second (at least one second, whole seconds). */
class ConstantDelaySchedule implements Schedule {
  constructor(private readonly delayMs: number) {}

  next(from: number): number {
    return Math.floor(from / 1000) * 1000 + this.delayMs;
  }
}

function parseDescriptor(descriptor: string, zone: TimeZone): Schedule {
  const spec = (minute: Field, hour: Field, dom: Field, month: Field, dow: Field): Schedule => new SpecSchedule(minute, hour, dom, month, dow, zone);
  switch (descriptor) {
    case '@yearly':
    case '@annually':
      return spec(only(0), only(0), only(1), only(1), all(DOW));
    case '@monthly':
      return spec(only(0), only(0), only(1), all(MONTHS), all(DOW));
    case '@weekly':
      return spec(only(0), only(0), all(DOM), all(MONTHS), only(0));
    case '@daily':
    case '@midnight':
      return spec(only(0), only(0), all(DOM), all(MONTHS), all(DOW));
    case '@hourly':
      return spec(only(0), all(HOURS), all(DOM), all(MONTHS), all(DOW));
  }
  const every = '@every ';
  if (descriptor.startsWith(every)) {
    let ms: number;
    try {
      ms = parseGoDuration(descriptor.slice(every.length));
    } catch (error) {
      throw new Error(`failed to parse duration ${descriptor}: ${(error as Error).message}`);
    }
    return new ConstantDelaySchedule(Math.max(1000, ms - (ms % 1000)));
  }
  throw new Error(`unrecognized descriptor: ${descriptor}`);
}

/** cron.ParseStandard; `local` is the zone a schedule without TZ= runs in (time.Local). */
export function parseStandard(text: string, local: TimeZone = TimeZone.local()): Schedule {
  let spec = text;
  if (spec.length === 0) throw new Error('empty spec string');
  let zone = local;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const name = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
    try {
      zone = TimeZone.load(name);
    } catch (error) {
      throw new Error(`provided bad location ${name}: ${(error as Error).message}`);
    }
    spec = space < 0 ? '' : spec.slice(space).trim();
  }
  if (spec.startsWith('@')) return parseDescriptor(spec, zone);
  const fields = spec.split(/\s+/).filter((field) => field !== '');
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  return new SpecSchedule(parseField(minute, MINUTES), parseField(hour, HOURS), parseField(dom, DOM), parseField(month, MONTHS), parseField(dow, DOW), zone);
}
