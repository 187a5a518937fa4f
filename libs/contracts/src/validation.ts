import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { isDeepStrictEqual } from 'node:util';
import { CommonErrorCode, ErrorDetail } from './errors';
import { ValidationPlans } from './validation-plan';

type RuleStorage = ReturnType<typeof getMetadataStorage>;
type RuleLookup = RuleStorage['getTargetValidationMetadatas'];
const memoised = new WeakSet<RuleStorage>();

/**
 * class-validator finds a class's rules by walking every decorated class for ancestors, on every
 * call and for every nested object: with the few hundred contract classes here that walk was
 * the largest part of validating a frame. The rules of a class do not change once its module
 * has loaded, so each lookup is kept; adding a rule (a class loaded later) forgets them all.
 */
export function memoiseRuleLookup(
  storage: RuleStorage = getMetadataStorage(),
  onRuleAdded?: () => void,
): void {
  if (memoised.has(storage)) return;
  memoised.add(storage);
  const lookup = storage.getTargetValidationMetadatas.bind(storage) as RuleLookup;
  const add = storage.addValidationMetadata.bind(storage);
  let memo = new Map<unknown, Map<string, ReturnType<RuleLookup>>>();
  storage.addValidationMetadata = (metadata) => {
    memo = new Map();
    add(metadata);
    onRuleAdded?.();
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let forTarget = memo.get(target);
    if (!forTarget) memo.set(target, (forTarget = new Map()));
    let rules = forTarget.get(key);
    if (!rules) forTarget.set(key, (rules = lookup(target, schema, always, strictGroups, groups)));
    return rules;
  };
}
const plans = new ValidationPlans();
memoiseRuleLookup(getMetadataStorage(), () => plans.forget());

export interface ContractMismatch {
  contract: string;
  plain: unknown;
  fast: unknown;
  full: unknown;
}
let onMismatch: ((mismatch: ContractMismatch) => void) | undefined;

/**
 * Tests: parse every contract both ways, return the full way's answer, and report each payload
 * the fast way accepted differently (a rule it misread would otherwise let bad input through).
 */
export function crossCheckContracts(report: ((mismatch: ContractMismatch) => void) | undefined): void {
  onMismatch = report;
}

export class ContractValidationError extends Error {
  readonly code = CommonErrorCode.VALIDATION_FAILED;
  constructor(
    message: string,
    readonly details: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ContractValidationError';
  }
}

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const reason of Object.values(e.constraints ?? {})) out.push({ field, reason });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

type Ctor<T> = new () => T;

/**
 * Turn untrusted plain data into a validated contract instance, or throw with every reason.
 * Unknown properties are refused so a typo never passes silently.
 */
export function parseContract<T extends object>(cls: Ctor<T>, plain: unknown): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new ContractValidationError('Expected a JSON object', [{ reason: 'not an object' }]);
  }
  const fast = plans.tryFastParse(cls, plain);
  if (fast !== undefined && !onMismatch) return fast;
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance as object, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (fast !== undefined && (errors.length > 0 || !isDeepStrictEqual(fast, instance)))
    onMismatch?.({ contract: cls.name, plain, fast, full: errors.length > 0 ? flatten(errors) : instance });
  if (errors.length > 0) {
    const details = flatten(errors);
    throw new ContractValidationError(
      `Invalid ${cls.name}: ${details.map((d) => `${d.field}: ${d.reason}`).join('; ')}`,
      details,
    );
  }
  return instance;
}
