// The cron parser the CronJob controller uses, against robfig/cron's behaviour (cron.ParseStandard and
// SpecSchedule.Next): fields, names, steps, the day-of-month / day-of-week rule, descriptors, @every,
// time zones with their DST gaps and repeats, and robfig's error texts.

import { describe, expect, it } from 'vitest';
import { parseStandard } from '../../../src/shared/cron/cron-schedule.js';
import { TimeZone, ZERO_TIME } from '../../../src/shared/cron/time-zone.js';

const UTC = TimeZone.load('UTC');
const next = (spec: string, from: string): string => {
  const t = parseStandard(spec, UTC).next(Date.parse(from));
  return t === ZERO_TIME ? 'zero' : new Date(t).toISOString();
};

describe('cron schedule: next activation', () => {
  it.each<[string, string, string, string]>([
    ['every minute', '* * * * *', '2024-05-01T10:00:00Z', '2024-05-01T10:01:00.000Z'],
    ['every minute, from the middle of one', '*/1 * * * *', '2024-05-01T10:00:59.999Z', '2024-05-01T10:01:00.000Z'],
    ['every 15 minutes', '*/15 * * * *', '2012-07-09T14:45:00Z', '2012-07-09T15:00:00.000Z'],
    ['a list and a range', '5,10-12 * * * *', '2024-05-01T10:10:00Z', '2024-05-01T10:11:00.000Z'],
    ['a range with a step', '10-30/10 * * * *', '2024-05-01T10:21:00Z', '2024-05-01T10:30:00.000Z'],
    ['N/step runs to the maximum', '50/5 * * * *', '2024-05-01T10:51:00Z', '2024-05-01T10:55:00.000Z'],
    ['a later hour the same day', '30 14 * * *', '2024-05-01T10:00:00Z', '2024-05-01T14:30:00.000Z'],
    ['the next day when the time has passed', '30 9 * * *', '2024-05-01T10:00:00Z', '2024-05-02T09:30:00.000Z'],
    ['February 29th: the next leap year', '0 0 29 2 *', '2012-03-01T00:00:00Z', '2016-02-29T00:00:00.000Z'],
    ['the 31st skips the short months', '0 0 31 * *', '2012-04-15T00:00:00Z', '2012-05-31T00:00:00.000Z'],
    ['weekdays by name (Saturday → Monday)', '0 9 * * mon-fri', '2024-05-04T12:00:00Z', '2024-05-06T09:00:00.000Z'],
    ['months by name, any case', '0 0 1 JUN *', '2024-05-04T12:00:00Z', '2024-06-01T00:00:00.000Z'],
    ['day of month and day of week both restricted: either', '0 0 1 * mon', '2024-05-02T00:00:00Z', '2024-05-06T00:00:00.000Z'],
    ['day of week restricted, day of month *: the weekday only', '0 0 * * 0', '2024-05-02T00:00:00Z', '2024-05-05T00:00:00.000Z'],
    ['day of month with a step counts as restricted', '0 0 */10 * 1', '2024-05-02T00:00:00Z', '2024-05-06T00:00:00.000Z'],
    ['? is *', '0 0 ? * ?', '2024-05-02T10:00:00Z', '2024-05-03T00:00:00.000Z'],
    ['@hourly', '@hourly', '2024-05-01T10:30:00Z', '2024-05-01T11:00:00.000Z'],
    ['@daily', '@daily', '2024-05-01T10:30:00Z', '2024-05-02T00:00:00.000Z'],
    ['@midnight', '@midnight', '2024-05-01T00:00:00Z', '2024-05-02T00:00:00.000Z'],
    ['@weekly: Sunday midnight', '@weekly', '2024-05-01T10:30:00Z', '2024-05-05T00:00:00.000Z'],
    ['@monthly', '@monthly', '2024-05-01T10:30:00Z', '2024-06-01T00:00:00.000Z'],
    ['@yearly', '@yearly', '2024-05-01T10:30:00Z', '2025-01-01T00:00:00.000Z'],
    ['@annually', '@annually', '2024-12-31T23:59:59Z', '2025-01-01T00:00:00.000Z'],
    ['@every: from the last whole second', '@every 1m30s', '2024-05-01T12:00:00.500Z', '2024-05-01T12:01:30.000Z'],
    ['@every below a second is a second', '@every 10ms', '2024-05-01T12:00:00.500Z', '2024-05-01T12:00:01.000Z'],
    ['nothing within five years', '0 0 30 2 *', '2024-01-01T00:00:00Z', 'zero'],
    ['a zone: 9:00 in New York in summer is 13:00 UTC', 'TZ=America/New_York 0 9 * * *', '2012-07-09T00:00:00Z', '2012-07-09T13:00:00.000Z'],
    ['CRON_TZ= works too', 'CRON_TZ=Asia/Tokyo 0 9 * * *', '2024-05-01T00:00:00Z', '2024-05-02T00:00:00.000Z'],
    ['a wall time the spring gap skips is skipped that day', 'TZ=America/New_York 30 2 * * *', '2013-03-09T07:30:00Z', '2013-03-11T06:30:00.000Z'],
    ['the hour after the spring gap', 'TZ=America/New_York 0 3 * * *', '2013-03-10T05:00:00Z', '2013-03-10T07:00:00.000Z'],
    ['the repeated hour in autumn runs again in the second offset', 'TZ=America/New_York 0 * * * *', '2012-11-04T05:45:00Z', '2012-11-04T06:00:00.000Z'],
  ])('%s: %s after %s', (_, spec, from, want) => {
    expect(next(spec, from)).toBe(want);
  });

  it('runs in the zone it is given when the schedule names none', () => {
    const tokyo = parseStandard('0 9 * * *', TimeZone.load('Asia/Tokyo'));
    expect(new Date(tokyo.next(Date.parse('2024-05-01T00:00:00Z'))).toISOString()).toBe('2024-05-02T00:00:00.000Z');
  });
});

describe('cron schedule: robfig/cron errors', () => {
  it.each<[string, string]>([
    ['', 'empty spec string'],
    ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * 13 *', 'end of range (13) above maximum (12): 13'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['a * * * *', 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'],
    ['-1 * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['1/2/3 * * * *', 'too many slashes: 1/2/3'],
    ['* * * foo *', 'failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['@every x', 'failed to parse duration @every x: time: invalid duration "x"'],
    ['TZ=Nowhere/City * * * * *', 'provided bad location Nowhere/City: unknown time zone Nowhere/City'],
  ])('%j', (spec, message) => {
    expect(() => parseStandard(spec, UTC)).toThrow(message);
  });
});
