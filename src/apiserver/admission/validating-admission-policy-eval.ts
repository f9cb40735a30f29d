// One policy run on one request with one param (admission/plugin/policy/validating/validator.go):
// matchConditions first (any false: nothing to check), then the variables, then each validation.
// A validation that is not true fails with its messageExpression's, message's or expression's words;
// one that cannot be evaluated fails only when the failurePolicy is Fail.

import type { CelActivation, CelProgram, CelResult } from '../cel/cel-program.js';
import type { NamedProgram, PolicyPrograms, ValidationProgram } from '../cel/policy-programs.js';

type Json = Record<string, unknown>;

export interface Failure {
  readonly message: string;
  /** The failed validation's index (0 for a matchCondition's error). */
  readonly expressionIndex: number;
  /** The Status reason of a refusal ('' when evaluation failed: Invalid). */
  readonly reason: string;
}

/** celconfig.MaxEvaluatedMessageExpressionSizeBytes */
const MAX_MESSAGE_BYTES = 5 * 1024;

/** utilerrors.NewAggregate(...).Error() */
export const aggregate = (messages: readonly string[]): string => (messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`);

/**
 * matchConditions (webhook/matchconditions/matcher.go): 'skip' when one is false, or when some fail to
 * evaluate and failures are ignored; the failure when they fail closed; undefined when all are true.
 */
export function matchConditionsOutcome(conditions: readonly NamedProgram[], activation: CelActivation, failClosed: boolean): Failure | 'skip' | undefined {
  const errors: string[] = [];
  for (const { program } of conditions) {
    const result = program.run(activation);
    if ('error' in result) errors.push(result.error);
    else if (result.value === false) return 'skip';
  }
  if (errors.length === 0) return undefined;
  return failClosed ? { message: aggregate(errors), expressionIndex: 0, reason: '' } : 'skip';
}

/** The policy's variables, computed in order; those that fail are left out with their error. */
function compositedVariables(programs: PolicyPrograms, activation: CelActivation): { values: Json; errors: Map<string, string> } {
  const values: Json = {};
  const errors = new Map<string, string>();
  for (const { name, program } of programs.variables) {
    const result = program.run({ ...activation, variables: values });
    if ('error' in result) errors.set(name, result.error);
    else values[name] = result.value;
  }
  return { values, errors };
}

function run(program: CelProgram, activation: CelActivation, variableErrors: Map<string, string>): CelResult {
  // Variables are evaluated lazily in kube: only an expression that uses a failed one fails with it.
  for (const [name, error] of variableErrors) {
    if (new RegExp(`\\bvariables\\.${name}\\b`).test(program.expression)) return { error: `expression '${program.expression}' resulted in error: composited variable "${name}" fails to evaluate: ${error}` };
  }
  return program.run(activation);
}

function failedMessage(v: ValidationProgram, activation: CelActivation, variableErrors: Map<string, string>): string {
  const evaluated = v.message ? run(v.message, activation, variableErrors) : undefined;
  if (evaluated && 'value' in evaluated && typeof evaluated.value === 'string') {
    const message = evaluated.value.trim();
    if (message !== '' && Buffer.byteLength(message) <= MAX_MESSAGE_BYTES && !message.includes('\n')) return message;
  }
  const message = typeof v.validation['message'] === 'string' ? v.validation['message'].trim() : '';
  return message !== '' ? message : `failed expression: ${v.program.expression.trim()}`;
}

/** The validations that failed (denials before the binding's validationActions apply). */
export function evaluatePolicy(programs: PolicyPrograms, activation: CelActivation, failurePolicy: string): Failure[] {
  const failClosed = failurePolicy !== 'Ignore';
  const matched = matchConditionsOutcome(programs.matchConditions, activation, failClosed);
  if (matched === 'skip') return [];
  if (matched) return [matched];
  const { values, errors } = compositedVariables(programs, activation);
  const withVariables = { ...activation, variables: values };
  const failures: Failure[] = [];
  for (const v of programs.validations) {
    const result = run(v.program, withVariables, errors);
    if ('error' in result) {
      if (failClosed) failures.push({ message: result.error, expressionIndex: v.index, reason: '' });
    } else if (result.value !== true) {
      failures.push({ message: failedMessage(v, withVariables, errors), expressionIndex: v.index, reason: typeof v.validation['reason'] === 'string' ? v.validation['reason'] : 'Invalid' });
    }
  }
  return failures;
}
