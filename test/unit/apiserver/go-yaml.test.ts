// The YAML answers against the real thing: kubectl prints `-o yaml` through the same sigs.k8s.io/yaml
// (go-yaml v2) conversion of JSON that kube-apiserver's YAML serializer uses, and `kubectl patch --local`
// does so without a server. Each document must come out byte for byte as kubectl writes it.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { goYaml, goYamlKeyLess } from '../../../src/apiserver/http/go-yaml.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'go-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What kubectl prints for the object as YAML. */
async function kubectlYaml(obj: object, name: string): Promise<string> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(obj));
  const { stdout } = await run('kubectl', ['patch', '--local', '-f', file, '-p', '{}', '--type=merge', '-o', 'yaml'], { encoding: 'utf8' });
  return stdout;
}

const words = (n: number, word = 'word'): string => Array.from({ length: n }, () => word).join(' ');

/** Strings that take each style: plain, single- and double-quoted, literal; folded past column 80. */
const STRINGS: Record<string, string> = {
  plain: 'plain', empty: '', bool: 'true', oldBool: 'yes', upperNo: 'NO', int: '1', float: '1.5', hex: '0x1F', octalish: '08', underscored: '1_000',
  sexagesimal: '12:30', exponent: '1e3', dot: '.5', signed: '+1', tilde: '~', null: 'null', inf: '.inf', timestamp: '2026-12-03T01:02:03Z',
  date: '2026-12-03', spacedTime: '2026-1-2 3:04:05', notADate: '2026-13-45', colonSpace: 'a: b', colonEnd: 'x:', colonInside: 'x:y', dash: '- x',
  bareDash: '-', hash: '#c', spaceHash: 'a #b', documentStart: '---x', documentEnd: '...', leading: ' lead', trailing: 'trail ', lone: ' ',
  multi: 'multi\nline\n', noFinalBreak: 'multi\nline', keep: 'multi\nline\n\n', leadingBreak: '\nlead', spaceBeforeBreak: 'trailing space \nx',
  tab: 'x\ty', unicode: 'é ü 中', astral: '😀', apostrophe: "it's", quotes: 'say "hi"', backslash: 'back\\slash', carriage: 'a\rb',
  nel: 'x\u0085y', lineSeparator: 'x\u2028y', control: 'ctrl\u0001', bom: 'bom\ufeff', nbsp: 'nbsp\u00a0x', alias: '*ref', anchor: '&a',
  tag: '!tag', percent: '%p', at: '@at', backtick: '`bt', brace: '{x}', bracket: '[x]', comma: 'a,b', question: '? x', pipe: '|', greater: '>',
  long: words(40), longTrailing: words(30, 'word '), longColon: `${words(25)}: ${words(10)}`, longLiteral: `a\n${words(40)}\n`,
  longQuoted: `${words(17)} "q" ${words(10)}`, longSingle: `'${words(30)}`, longLeading: `  ${words(30)}`, doubleSpace: `${words(16)}  x  ${words(10)}`,
  longTab: `${words(18)}\t${words(10)}`, unbroken: `${'x'.repeat(100)} ${'y'.repeat(5)}`, spacesAt80: `${'x'.repeat(78)}  yy z`,
};

describe('YAML as kube-apiserver writes it', () => {
  it('writes every string style, key order, number and nesting as kubectl does', async () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'Sample',
      metadata: { name: 'sample', labels: { a10: 'x', a2: 'y', a: 'z', A: 'w', '1': 'q', a01: 'r', b0: 's', b00: 't', z_1: '1', 'z-1': '2', 'z.1': '3', é: '5', '': '6', true: '7' } },
      data: STRINGS,
      list: [STRINGS, [1, [2, []], {}], [], { a: [{ b: 1 }] }],
      numbers: [0, -1, 1.5, 1234567.5, 1e-7, 1e21, 123456789012, 0.0001, 100, -2.5e-10],
      scalars: [true, false, null],
      deep: { x: { y: { z: [words(30), `${words(5)}\n${words(2)}`] } } },
    };
    expect(goYaml(obj)).toBe(await kubectlYaml(obj, 'sample'));
  });

  it('writes long and multi-line keys as `? key`, and a kept final break at the end', async () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'Sample',
      metadata: { name: 'keys' },
      long: { ['k'.repeat(130)]: { a: 1, b: [1, 2] }, ['j'.repeat(130)]: [1, { c: 2 }], [words(30, 'l')]: words(25, 'x'), 'a\nb': 2, ['m'.repeat(128)]: 'fits' },
      zz: 'ends with two breaks\n\n',
    };
    expect(goYaml(obj)).toBe(await kubectlYaml(obj, 'keys'));
  });

  it('folds strings past column 80 wherever they sit: nested sequences, maps in sequences, explicit keys, wide keys', async () => {
    const long = words(30);
    const obj = {
      apiVersion: 'v1',
      kind: 'Sample',
      metadata: { name: 'placements' },
      nested: [[long, [long, { inner: long, list: [`'${long}`, `${long}\n${long}\n`] }]], [[], {}]],
      things: [{ a: long, b: [long], c: { d: `"${long}` } }],
      explicit: { ['k'.repeat(130)]: long, ['q'.repeat(129)]: [long, { e: long }], ['p'.repeat(131)]: { f: long } },
      wide: { ['w'.repeat(70)]: long, '😀😀😀': long, 'é中': long, ['x'.repeat(60)]: `${words(3)}  ${words(20)}` },
    };
    expect(goYaml(obj)).toBe(await kubectlYaml(obj, 'placements'));
  });

  it('orders keys as go-yaml: digit runs by value, letters before other characters', () => {
    const keys = ['a10', 'a2', 'A', 'a', '1', 'b0', 'b00', 'z.1', 'z-1', 'z_1'];
    expect([...keys].sort((x, y) => (goYamlKeyLess(x, y) ? -1 : goYamlKeyLess(y, x) ? 1 : 0))).toEqual(['1', 'A', 'a', 'a2', 'a10', 'b0', 'b00', 'z-1', 'z.1', 'z_1']);
  });
});
