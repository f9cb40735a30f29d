// One policy run on one request with one param (admission/plugin/policy/validating/validator.go):
// matchConditions first (any false: nothing to check), then the variables, each validation and the
// auditAnnotations. A validation that is not true fails with its messageExpression's, message's or
// expression's words; an expression that cannot be evaluated fails only when the failurePolicy is Fail.

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
export async function matchConditionsOutcome(conditions: readonly NamedProgram[], activation: CelActivation, failClosed: boolean): Promise<Failure | 'skip' | undefined> {
  const errors: string[] = [];
  for (const { program } of conditions) {
    const result = await program.run(activation);
    if ('error' in result) errors.push(result.error);
    else if (result.value === false) return 'skip';
  }
  if (errors.length === 0) return undefined;
  return failClosed ? { message: aggregate(errors), expressionIndex: 0, reason: '' } : 'skip';
}

async function run(program: CelProgram, activation: CelActivation, variableErrors: Map<string, string>): Promise<CelResult> {
  // Variables are evaluated lazily in kube: only an expression that uses a failed one fails with it.
  for (const [name, error] of variableErrors) {
    if (new RegExp(`\\bvariables\\.${name}\\b`).test(program.expression)) return { error: `expression '${program.expression}' resulted in error: composited variable "${name}" fails to evaluate: ${error}` };
  }
  return program.run(activation);
}

/** The policy's variables, computed in order; those that fail are left out with their error. */
async function compositedVariables(programs: PolicyPrograms, activation: CelActivation): Promise<{ values: Json; errors: Map<string, string> }> {
  const values: Json = {};
  const errors = new Map<string, string>();
  for (const { name, program } of programs.variables) {
    const result = await run(program, { ...activation, variables: values }, errors);
    if ('error' in result) errors.set(name, result.error);
    else values[name] = result.value;
  }
  return { values, errors };
}

async function failedMessage(v: ValidationProgram, activation: CelActivation, variableErrors: Map<string, string>): Promise<string> {
  const evaluated = v.message ? await run(v.message, activation, variableErrors) : undefined;
  if (evaluated && 'value' in evaluated && typeof evaluated.value === 'string') {
    const message = evaluated.value.trim();
    if (message !== '' && Buffer.byteLength(message) <= MAX_MESSAGE_BYTES && !message.includes('\n')) return message;
  }
  const message = typeof v.validation['message'] === 'string' ? v.validation['message'].trim() : '';
  return message !== '' ? message : `failed expression: ${v.program.expression.trim()}`;
}

export interface Evaluation {
  /** The validations that failed: what the binding's validationActions act on. */
  readonly failures: Failure[];
  /** auditAnnotations that could not be evaluated under failurePolicy Fail: refusals whatever the actions. */
  readonly errors: Failure[];
  /** The auditAnnotations' values, by key. */
  readonly annotations: [string, string][];
}

/** kube's maxAuditAnnotationValueLength */
const MAX_ANNOTATION_LENGTH = 10 * 1024;

/** auditAnnotations: a string is published (trimmed, unless empty), null is not, anything else fails. */
async function auditAnnotations(programs: PolicyPrograms, activation: CelActivation, variableErrors: Map<string, string>, failClosed: boolean, into: Evaluation): Promise<void> {
  for (const { key, program } of programs.auditAnnotations) {
    const result = await run(program, activation, variableErrors);
    let error: string | undefined;
    if ('error' in result) error = result.error;
    else if (typeof result.value === 'string') {
      if (result.value.trim() !== '') into.annotations.push([key, result.value.trim().slice(0, MAX_ANNOTATION_LENGTH)]);
    } else if (result.value !== null) {
      error = `valueExpression '${program.expression}' resulted in unsupported return type: ${typeof result.value === 'bigint' ? 'int' : typeof result.value}. Return type must be either string or null.`;
    }
    if (error !== undefined && failClosed) into.errors.push({ message: error, expressionIndex: 0, reason: '' });
  }
}

export async function evaluatePolicy(programs: PolicyPrograms, activation: CelActivation, failurePolicy: string): Promise<Evaluation> {
  const failClosed = failurePolicy !== 'Ignore';
  const evaluation: Evaluation = { failures: [], errors: [], annotations: [] };
  const matched = await matchConditionsOutcome(programs.matchConditions, activation, failClosed);
  if (matched === 'skip') return evaluation;
  if (matched) return { ...evaluation, failures: [matched] };
  const { values, errors } = await compositedVariables(programs, activation);
  const withVariables = { ...activation, variables: values };
  const { failures } = evaluation;
  for (const v of programs.validations) {
    const result = await run(v.program, withVariables, errors);
    if ('error' in result) {
      if (failClosed) failures.push({ message: result.error, expressionIndex: v.index, reason: '' });
    } else if (result.value !== true) {
      failures.push({ message: await failedMessage(v, withVariables, errors), expressionIndex: v.index, reason: typeof v.validation['reason'] === 'string' ? v.validation['reason'] : 'Invalid' });
    }
  }
  await auditAnnotations(programs, withVariables, errors, failClosed, evaluation);
  return evaluation;
}
