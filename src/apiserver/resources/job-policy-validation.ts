// batch/v1 Job's failure and success policies as kube-apiserver validates them (pkg/apis/batch/validation):
// podFailurePolicy rules (actions, onExitCodes, onPodConditions), successPolicy rules, the per-index
// back-off limits, podReplacementPolicy, and their immutability, with kube's messages.
import { child, duplicate, immutable, index, invalid, invalidOmitted, nonNegative, notSupported, RawValue, required, tooLong, tooMany } from '../schema/field-errors.js';
import { qualifiedName } from '../schema/name-rules.js';
import type { FieldCause } from '../schema/types.js';
import { jsonEqual, recordAt, recordsAt, stringAt, type Json } from './json-access.js';

const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_ON_EXIT_CODES_VALUES = 255;
const MAX_ON_POD_CONDITIONS_PATTERNS = 20;
const MAX_SUCCESS_POLICY_RULES = 20;
const MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;
const MAX_FAILED_INDEXES = 100_000;

/** sets.List order, as kube prints the supported values. */
const ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const OPERATORS = ['In', 'NotIn'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];
const REPLACEMENT_POLICIES = ['Failed', 'TerminatingOrFailed'];

/** Go's %q of a list of strings, as `fmt.Sprintf("valid values: %q", list)` prints it. */
const quotedList = (values: readonly string[]): string => `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
/** Go's %#v of a []int32. */
const goInt32s = (values: unknown): RawValue => new RawValue(Array.isArray(values) ? `[]int32{${values.join(', ')}}` : '[]int32(nil)');

/** parseIndexInterval / validateIndexesFormat: "1,3-5" strictly, its count of indexes or the parse error. */
export function indexesFormatError(text: string, completions: number): { total: number; error?: string } {
  if (text === '') return { total: 0 };
  let total = 0;
  let last: number | undefined;
  for (const interval of text.split(',')) {
    const limits = interval.split('-');
    if (limits.length > 2) return { total: 0, error: `the fragment ${JSON.stringify(interval)} violates the requirement that an index interval can have at most two parts separated by '-'` };
    const bounds: number[] = [];
    for (const limit of limits) {
      // strconv.Atoi: an optional sign and decimal digits.
      if (!/^[+-]?\d+$/.test(limit)) return { total: 0, error: `cannot convert string to integer for index: ${JSON.stringify(limit)}` };
      const value = Number(limit);
      if (value >= completions) return { total: 0, error: `too large index: ${JSON.stringify(limit)}` };
      bounds.push(value);
    }
    const first = bounds[0]!;
    const end = bounds[1] ?? first;
    if (bounds.length === 2 && first >= end) return { total: 0, error: `non-increasing order, previous: ${first}, current: ${end}` };
    if (last !== undefined && last >= first) return { total: 0, error: `non-increasing order, previous: ${last}, current: ${first}` };
    total += end - first + 1;
    last = end;
  }
  return { total };
}

function validateOnExitCodes(requirement: Json, path: string, containerNames: ReadonlySet<string>, causes: FieldCause[]): void {
  const operator = stringAt(requirement, 'operator') ?? '';
  if (operator === '') causes.push(required(child(path, 'operator'), `valid values: ${quotedList(OPERATORS)}`));
  else if (!OPERATORS.includes(operator)) causes.push(notSupported(child(path, 'operator'), operator, OPERATORS));
  const containerName = stringAt(requirement, 'containerName');
  if (containerName !== undefined && !containerNames.has(containerName)) {
    causes.push(invalid(child(path, 'containerName'), containerName, 'must be one of the container or initContainer names in the pod template'));
  }
  const valuesPath = child(path, 'values');
  const values = Array.isArray(requirement['values']) ? (requirement['values'] as number[]) : [];
  if (values.length === 0) causes.push(invalid(valuesPath, goInt32s(requirement['values']), 'at least one value is required'));
  else if (values.length > MAX_ON_EXIT_CODES_VALUES) causes.push(tooMany(valuesPath, values.length, MAX_ON_EXIT_CODES_VALUES));
  const seen = new Set<number>();
  values.forEach((value, i) => {
    if (operator === 'In' && value === 0) causes.push(invalid(index(valuesPath, i), value, 'must not be 0 for the In operator'));
    if (seen.has(value)) causes.push(duplicate(index(valuesPath, i), value));
    seen.add(value);
  });
  if (values.some((value, i) => i > 0 && values[i - 1]! > value)) causes.push(invalid(valuesPath, goInt32s(values), 'must be ordered'));
}

function validateOnPodConditions(patterns: Json[], path: string, causes: FieldCause[]): void {
  if (patterns.length > MAX_ON_POD_CONDITIONS_PATTERNS) causes.push(tooMany(path, patterns.length, MAX_ON_POD_CONDITIONS_PATTERNS));
  patterns.forEach((pattern, j) => {
    const at = index(path, j);
    const type = stringAt(pattern, 'type') ?? '';
    for (const message of qualifiedName(type)) causes.push(invalid(child(at, 'type'), type, message));
    const status = stringAt(pattern, 'status') ?? '';
    if (status === '') causes.push(required(child(at, 'status'), `valid values: ${quotedList(CONDITION_STATUSES)}`));
    else if (!CONDITION_STATUSES.includes(status)) causes.push(notSupported(child(at, 'status'), status, CONDITION_STATUSES));
  });
}

function validatePodFailurePolicy(spec: Json, policy: Json, causes: FieldCause[]): void {
  const rulesPath = 'spec.podFailurePolicy.rules';
  const rules = recordsAt(policy, 'rules');
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) causes.push(tooMany(rulesPath, rules.length, MAX_POD_FAILURE_POLICY_RULES));
  const podSpec = recordAt(recordAt(spec, 'template'), 'spec');
  const containerNames = new Set([...recordsAt(podSpec, 'containers'), ...recordsAt(podSpec, 'initContainers')].map((c) => stringAt(c, 'name') ?? ''));
  rules.forEach((rule, i) => {
    const rulePath = index(rulesPath, i);
    const action = stringAt(rule, 'action') ?? '';
    if (action === '') causes.push(required(child(rulePath, 'action'), `valid values: ${quotedList(ACTIONS)}`));
    else if (action === 'FailIndex') {
      if (spec['backoffLimitPerIndex'] === undefined) causes.push(invalid(child(rulePath, 'action'), action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!ACTIONS.includes(action)) causes.push(notSupported(child(rulePath, 'action'), action, ACTIONS));
    const onExitCodes = recordAt(rule, 'onExitCodes');
    const onPodConditions = recordsAt(rule, 'onPodConditions');
    if (onExitCodes) validateOnExitCodes(onExitCodes, child(rulePath, 'onExitCodes'), containerNames, causes);
    if (onPodConditions.length > 0) validateOnPodConditions(onPodConditions, child(rulePath, 'onPodConditions'), causes);
    if (onExitCodes && onPodConditions.length > 0) causes.push(invalidOmitted(rulePath, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!onExitCodes && onPodConditions.length === 0) causes.push(invalidOmitted(rulePath, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
}

function validateSuccessPolicy(spec: Json, policy: Json, causes: FieldCause[]): void {
  const rulesPath = 'spec.successPolicy.rules';
  const rules = recordsAt(policy, 'rules');
  const completions = typeof spec['completions'] === 'number' ? spec['completions'] : 0;
  if (rules.length === 0) causes.push(required(rulesPath, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > MAX_SUCCESS_POLICY_RULES) causes.push(tooMany(rulesPath, rules.length, MAX_SUCCESS_POLICY_RULES));
  rules.forEach((rule, i) => {
    const rulePath = index(rulesPath, i);
    const indexes = stringAt(rule, 'succeededIndexes');
    const count = rule['succeededCount'];
    if (indexes === undefined && count === undefined) causes.push(required(rulePath, 'at least one of succeededCount or succeededIndexes must be specified'));
    let total = 0;
    if (indexes !== undefined) {
      const at = child(rulePath, 'succeededIndexes');
      if (indexes.length > MAX_SUCCEEDED_INDEXES_LENGTH) causes.push(tooLong(at, MAX_SUCCEEDED_INDEXES_LENGTH));
      const parsed = indexesFormatError(indexes, completions);
      if (parsed.error) causes.push(invalid(at, indexes, `error parsing succeededIndexes: ${parsed.error}`));
      total = parsed.total;
    }
    if (typeof count === 'number') {
      const at = child(rulePath, 'succeededCount');
      nonNegative(rule, 'succeededCount', rulePath, causes);
      if (count > completions) causes.push(invalid(at, count, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (indexes !== undefined && count > total) causes.push(invalid(at, count, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
    }
  });
}

/** The policies' causes for a Job's spec; `oldSpec` on update, where they are immutable. */
export function validateJobPolicies(spec: Json, oldSpec: Json | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  nonNegative(spec, 'backoffLimitPerIndex', 'spec', causes);
  const maxFailed = spec['maxFailedIndexes'];
  if (maxFailed !== undefined) {
    nonNegative(spec, 'maxFailedIndexes', 'spec', causes);
    if (spec['backoffLimitPerIndex'] === undefined) causes.push(required('spec.backoffLimitPerIndex', 'when maxFailedIndexes is specified'));
  }
  const indexed = stringAt(spec, 'completionMode') === 'Indexed';
  if (indexed && typeof maxFailed === 'number') {
    if (typeof spec['completions'] === 'number' && maxFailed > spec['completions']) causes.push(invalid('spec.maxFailedIndexes', maxFailed, 'must be less than or equal to completions'));
    if (maxFailed > MAX_FAILED_INDEXES) causes.push(invalid('spec.maxFailedIndexes', maxFailed, `must be less than or equal to ${MAX_FAILED_INDEXES}`));
  }
  if (!indexed) {
    if (spec['backoffLimitPerIndex'] !== undefined) causes.push(invalid('spec.backoffLimitPerIndex', spec['backoffLimitPerIndex'], 'requires indexed completion mode'));
    if (maxFailed !== undefined) causes.push(invalid('spec.maxFailedIndexes', maxFailed, 'requires indexed completion mode'));
  }
  const podFailurePolicy = recordAt(spec, 'podFailurePolicy');
  if (podFailurePolicy) validatePodFailurePolicy(spec, podFailurePolicy, causes);
  const successPolicy = recordAt(spec, 'successPolicy');
  if (successPolicy) {
    if (!indexed) causes.push(invalid('spec.successPolicy', new RawValue('batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{...}}'), 'requires indexed completion mode'));
    else validateSuccessPolicy(spec, successPolicy, causes);
  }
  const replacement = stringAt(spec, 'podReplacementPolicy');
  if (replacement !== undefined) {
    if (podFailurePolicy && replacement !== 'Failed') causes.push(notSupported('spec.podReplacementPolicy', replacement, ['Failed']));
    else if (!REPLACEMENT_POLICIES.includes(replacement)) causes.push(notSupported('spec.podReplacementPolicy', replacement, REPLACEMENT_POLICIES));
  }
  const restartPolicy = stringAt(recordAt(recordAt(spec, 'template'), 'spec'), 'restartPolicy');
  if (podFailurePolicy && restartPolicy === 'OnFailure') {
    causes.push(invalid('spec.template.spec.restartPolicy', restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  if (oldSpec) {
    if (!jsonEqual(spec['podFailurePolicy'], oldSpec['podFailurePolicy'])) causes.push(immutable('spec.podFailurePolicy', new RawValue(podFailurePolicy ? 'batch.PodFailurePolicy{Rules:[]batch.PodFailurePolicyRule{...}}' : 'null')));
    if (!jsonEqual(spec['backoffLimitPerIndex'], oldSpec['backoffLimitPerIndex'])) causes.push(immutable('spec.backoffLimitPerIndex', spec['backoffLimitPerIndex'] ?? null));
    if (!jsonEqual(spec['successPolicy'], oldSpec['successPolicy'])) causes.push(immutable('spec.successPolicy', new RawValue(successPolicy ? 'batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{...}}' : 'null')));
  }
  return causes;
}
