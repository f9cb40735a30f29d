// Compiling and running the CEL expressions of admission (ValidatingAdmissionPolicy validations,
// webhook matchConditions) with @marcbachmann/cel-js, reporting failures in kube-apiserver's words:
// `compilation failed: ERROR: <input>:1:5: ...` with cel-go's caret under the spot, and
// `expression '...' resulted in error: ...` when evaluation fails.

import { Environment } from '@marcbachmann/cel-js';
import { registerAuthorizerLibrary } from './authorizer-library.js';
import { registerKubeLibrary } from './kube-library.js';
import { toCel, type CelValue } from './cel-values.js';
import { CostLimitExceeded, CostMeter } from './cost-meter.js';

export type CelResult = { readonly value: unknown } | { readonly error: string };

/** Variables' values as CEL sees them (see celActivation). */
export type CelActivation = Readonly<Record<string | symbol, unknown>>;

/** Where an activation keeps the meter its values charge (a symbol: no CEL name reaches it). */
const METER = Symbol('cel cost meter');

export interface CelProgram {
  readonly expression: string;
  /** Asynchronous: an `authorizer` check asks the authorizers. */
  run(activation: CelActivation): Promise<CelResult>;
}

export type Compiled = { readonly program: CelProgram } | { readonly error: string };

export interface CompileOptions {
  /** The top-level variables declared (`object`, `oldObject`, `request`, `params`, ...). */
  readonly variables: readonly string[];
  /** The policy's own `variables.<name>`, if any. */
  readonly composited?: readonly string[];
  /** The type the expression must have (`any`: a variable's, whatever it is). */
  readonly returns: 'bool' | 'string' | 'string-or-null' | 'any';
}

/** The types each `returns` accepts (dyn too: objects' fields have no static type here), and kube's words when it does not. */
const RETURNS: Record<CompileOptions['returns'], { readonly types: readonly string[]; readonly error: string }> = {
  bool: { types: ['bool'], error: 'must evaluate to bool' },
  string: { types: ['string'], error: 'must evaluate to string' },
  'string-or-null': { types: ['string', 'null'], error: 'must evaluate to one of [string null_type]' },
  any: { types: [], error: '' },
};

const ENVIRONMENTS_KEPT = 64;
const environments = new Map<string, Environment>();

/** kube's base environment (declared variables only, homogeneous literals, optional types) with its libraries; `declare` adds the variables. */
export function celEnvironment(declare: (env: Environment) => void): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: false, enableOptionalTypes: true });
  registerAuthorizerLibrary(env);
  declare(env);
  registerKubeLibrary(env);
  return env;
}

function environment(variables: readonly string[], composited: readonly string[]): Environment {
  const key = `${variables.join(',')}|${composited.join(',')}`;
  let env = environments.get(key);
  if (env) return env;
  env = celEnvironment((e) => {
    for (const name of variables) e.registerVariable(name, name === 'authorizer' ? 'Authorizer' : 'dyn');
    if (composited.length > 0) e.registerVariable({ name: 'variables', schema: Object.fromEntries(composited.map((n) => [n, 'dyn'])) });
  });
  if (environments.size >= ENVIRONMENTS_KEPT) environments.clear();
  environments.set(key, env);
  return env;
}

export interface LibraryError {
  readonly name?: string;
  readonly summary?: string;
  readonly message?: string;
  readonly range?: { readonly start: number };
  readonly node?: { readonly start?: number; readonly pos?: number };
}

/** cel-go's wording where it differs from the library's. */
function celGoMessage(error: LibraryError, compiling = false): string {
  const summary = error.summary ?? error.message ?? 'unknown error';
  const unknown = /^Unknown variable: (.+)$/.exec(summary);
  if (unknown) return `undeclared reference to '${unknown[1]!}' (in container '')`;
  const field = /^No such key: (.+)$/.exec(summary);
  if (field && compiling) return `undefined field '${field[1]!}'`;
  if (error.name === 'ParseError') return `Syntax error: ${summary}`;
  return summary.charAt(0).toLowerCase() + summary.slice(1);
}

/**
 * cel-go's Issues.String(): position (1-based column) and the line with a caret under it. A field
 * selection is placed at its dot, as cel-go places it.
 */
export function celIssues(expression: string, error: LibraryError): string {
  const start = Math.min(error.range?.start ?? error.node?.start ?? error.node?.pos ?? 0, expression.length);
  const selected = /^No such key: /.test(error.summary ?? error.message ?? '') && expression[start - 1] === '.';
  const at = selected ? start - 1 : start;
  const before = expression.slice(0, at).split('\n');
  const line = before.length;
  const column = before[before.length - 1]!.length;
  const text = expression.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${column + 1}: ${celGoMessage(error, true)}\n | ${text}\n | ${'.'.repeat(column)}^`;
}

const compileFailure = (expression: string, error: LibraryError): string => `compilation failed: ${celIssues(expression, error)}`;

/** JSON values converted for CEL, once for all the expressions a request is checked with, metered. */
export function celActivation(values: Readonly<Record<string, unknown>>): Record<string | symbol, unknown> {
  const meter = new CostMeter();
  return { ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toCel(v, meter)])), [METER]: meter };
}

/** One more value for `activation`, charging its meter. */
export function celValueFor(activation: CelActivation, value: unknown): CelValue {
  return toCel(value, activation[METER] as CostMeter | undefined);
}

export function compileCel(expression: string, options: CompileOptions): Compiled {
  const env = environment(options.variables, options.composited ?? []);
  let evaluate: (context: Record<string, CelValue>) => unknown;
  try {
    const parsed = env.parse(expression);
    const checked = parsed.check();
    if (!checked.valid) return { error: compileFailure(expression, checked.error ?? {}) };
    const wanted = RETURNS[options.returns];
    if (options.returns !== 'any' && checked.type !== 'dyn' && !wanted.types.includes(checked.type ?? '')) return { error: wanted.error };
    evaluate = parsed;
  } catch (error) {
    return { error: compileFailure(expression, error as LibraryError) };
  }
  return {
    program: {
      expression,
      async run(activation) {
        (activation[METER] as CostMeter | undefined)?.reset();
        try {
          return { value: await evaluate(activation as Record<string, CelValue>) };
        } catch (error) {
          if (error instanceof CostLimitExceeded) return { error: `expression '${expression}' resulted in error: ${error.message}` };
          return { error: `expression '${expression}' resulted in error: ${celGoMessage(error as LibraryError)}` };
        }
      },
    },
  };
}

