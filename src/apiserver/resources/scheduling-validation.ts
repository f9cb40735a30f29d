// Validation of a pod spec's tolerations, topology spread constraints and affinity terms.
import { child, index, invalid, notSupported, required } from '../schema/field-errors.js';
import type { FieldCause } from '../schema/types.js';
import { recordAt, recordsAt, stringAt, type Json } from './json-access.js';

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateTolerations(spec: Json, path: string, causes: FieldCause[]): void {
  recordsAt(spec, 'tolerations').forEach((toleration, i) => {
    const at = index(child(path, 'tolerations'), i);
    const operator = stringAt(toleration, 'operator') ?? '';
    const key = stringAt(toleration, 'key') ?? '';
    if (key === '' && operator !== 'Exists') {
      causes.push(invalid(child(at, 'operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (toleration.tolerationSeconds !== undefined && toleration.effect !== 'NoExecute') {
      causes.push(invalid(child(at, 'effect'), toleration.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Exists' && stringAt(toleration, 'value')) {
      causes.push(invalid(child(at, 'operator'), toleration.value, 'value must be empty when `operator` is \'Exists\''));
    } else if (operator !== '' && operator !== 'Equal' && operator !== 'Exists') {
      causes.push(notSupported(child(at, 'operator'), operator, ['Equal', 'Exists']));
    }
    const effect = stringAt(toleration, 'effect');
    if (effect && !EFFECTS.includes(effect)) causes.push(notSupported(child(at, 'effect'), effect, EFFECTS));
  });
}

function validateSpread(spec: Json, path: string, causes: FieldCause[]): void {
  recordsAt(spec, 'topologySpreadConstraints').forEach((constraint, i) => {
    const at = index(child(path, 'topologySpreadConstraints'), i);
    const skew = constraint.maxSkew;
    if (typeof skew !== 'number' || skew <= 0) causes.push(invalid(child(at, 'maxSkew'), skew ?? 0, 'must be greater than zero'));
    if (!stringAt(constraint, 'topologyKey')) causes.push(required(child(at, 'topologyKey'), 'can not be empty'));
    const when = stringAt(constraint, 'whenUnsatisfiable') ?? '';
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(when)) causes.push(notSupported(child(at, 'whenUnsatisfiable'), when, ['DoNotSchedule', 'ScheduleAnyway']));
  });
}

function validateAffinity(spec: Json, path: string, causes: FieldCause[]): void {
  const affinity = recordAt(spec, 'affinity');
  const at = child(path, 'affinity');
  const required_ = recordAt(recordAt(affinity, 'nodeAffinity'), 'requiredDuringSchedulingIgnoredDuringExecution');
  if (required_ && recordsAt(required_, 'nodeSelectorTerms').length === 0) {
    causes.push(required(`${at}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, 'must have at least one node selector term'));
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const terms = recordAt(affinity, kind);
    recordsAt(terms, 'requiredDuringSchedulingIgnoredDuringExecution').forEach((term, i) => {
      if (!stringAt(term, 'topologyKey')) causes.push(required(`${at}.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}].topologyKey`, 'can not be empty'));
    });
    recordsAt(terms, 'preferredDuringSchedulingIgnoredDuringExecution').forEach((weighted, i) => {
      const weightAt = `${at}.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      const weight = weighted.weight;
      if (typeof weight !== 'number' || weight < 1 || weight > 100) causes.push(invalid(`${weightAt}.weight`, weight ?? 0, 'must be in the range 1-100'));
      if (!stringAt(recordAt(weighted, 'podAffinityTerm'), 'topologyKey')) causes.push(required(`${weightAt}.podAffinityTerm.topologyKey`, 'can not be empty'));
    });
  }
}

export function validateScheduling(spec: Json, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  validateTolerations(spec, path, causes);
  validateSpread(spec, path, causes);
  validateAffinity(spec, path, causes);
  return causes;
}
