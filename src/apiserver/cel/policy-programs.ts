// A ValidatingAdmissionPolicy's CEL expressions compiled as kube-apiserver compiles them
// (admission/plugin/policy/validating): variables in order, each seeing the ones before it; validations
// and their messageExpressions seeing all; matchConditions without the policy's variables. Also the
// matchConditions of webhooks, which see only the request.

import { recordsAt, stringAt } from '../resources/json-access.js';
import { compileCel, type CelProgram, type CompileOptions } from './cel-program.js';

type Json = Record<string, unknown>;

/** What a policy's expressions may refer to (besides `variables`). */
export const POLICY_VARIABLES: readonly string[] = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'authorizer'];
/** What a webhook's matchConditions may refer to. */
export const WEBHOOK_VARIABLES: readonly string[] = ['object', 'oldObject', 'request', 'authorizer'];

export interface CompileIssue {
  /** The field path of the expression, e.g. `spec.validations[0].expression`. */
  readonly path: string;
  readonly expression: string;
  readonly error: string;
}

export interface ValidationProgram {
  /** Its place in spec.validations. */
  readonly index: number;
  readonly program: CelProgram;
  readonly message?: CelProgram;
  readonly validation: Json;
}

export interface PolicyPrograms {
  readonly variables: readonly { readonly name: string; readonly program: CelProgram }[];
  readonly validations: readonly ValidationProgram[];
  /** auditAnnotations: the key and its valueExpression. */
  readonly auditAnnotations: readonly { readonly key: string; readonly program: CelProgram }[];
  readonly matchConditions: readonly NamedProgram[];
  readonly issues: readonly CompileIssue[];
}

export interface NamedProgram {
  readonly name: string;
  readonly program: CelProgram;
}

class Compiler {
  readonly issues: CompileIssue[] = [];

  compile(path: string, expression: unknown, options: CompileOptions): CelProgram | undefined {
    // An empty expression is reported by the API validation as Required.
    if (typeof expression !== 'string' || expression.trim() === '') return undefined;
    const compiled = compileCel(expression, options);
    if ('error' in compiled) {
      this.issues.push({ path, expression, error: compiled.error });
      return undefined;
    }
    return compiled.program;
  }

  matchConditions(path: string, conditions: Json[], variables: readonly string[]): NamedProgram[] {
    return conditions.flatMap((c, i) => {
      const program = this.compile(`${path}[${i}].expression`, c['expression'], { variables, returns: 'bool' });
      return program ? [{ name: stringAt(c, 'name') ?? '', program }] : [];
    });
  }
}

export function compilePolicy(spec: Json | undefined): PolicyPrograms {
  const compiler = new Compiler();
  const names: string[] = [];
  const variables = recordsAt(spec, 'variables').flatMap((v, i) => {
    const program = compiler.compile(`spec.variables[${i}].expression`, v['expression'], { variables: POLICY_VARIABLES, composited: [...names], returns: 'any' });
    const name = stringAt(v, 'name') ?? '';
    names.push(name);
    return program ? [{ name, program }] : [];
  });
  const validations = recordsAt(spec, 'validations').flatMap((validation, i) => {
    const options = { variables: POLICY_VARIABLES, composited: names };
    const program = compiler.compile(`spec.validations[${i}].expression`, validation['expression'], { ...options, returns: 'bool' });
    const message = compiler.compile(`spec.validations[${i}].messageExpression`, validation['messageExpression'], { ...options, returns: 'string' });
    return program ? [{ index: i, program, ...(message ? { message } : {}), validation }] : [];
  });
  const auditAnnotations = recordsAt(spec, 'auditAnnotations').flatMap((a, i) => {
    const program = compiler.compile(`spec.auditAnnotations[${i}].valueExpression`, a['valueExpression'], { variables: POLICY_VARIABLES, composited: names, returns: 'string-or-null' });
    return program ? [{ key: stringAt(a, 'key') ?? '', program }] : [];
  });
  const matchConditions = compiler.matchConditions('spec.matchConditions', recordsAt(spec, 'matchConditions'), POLICY_VARIABLES);
  return { variables, validations, auditAnnotations, matchConditions, issues: compiler.issues };
}

/** A webhook's matchConditions; `path` names the webhook (`webhooks[0]`). */
export function compileWebhookConditions(path: string, conditions: Json[]): { programs: NamedProgram[]; issues: CompileIssue[] } {
  const compiler = new Compiler();
  const programs = compiler.matchConditions(`${path}.matchConditions`, conditions, WEBHOOK_VARIABLES);
  return { programs, issues: compiler.issues };
}
