import { TransformationType } from 'class-transformer';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';

// Where @Type and friends keep their metadata: class-transformer does not export it by name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: TransformerStorage;
};

type Ctor = new () => object;
type Storage = ReturnType<typeof getMetadataStorage>;
type Metadata = ReturnType<Storage['getTargetValidationMetadatas']>[number];

interface Check {
  validate: (value: unknown, args: ValidationArguments) => unknown;
  each: boolean;
  constraints: unknown[];
}

interface PropertyPlan {
  name: string;
  conditions: Array<(object: object, value: unknown) => boolean>;
  checks: Check[];
  nested: boolean;
  /** @Type(() => C): a plain object here (or in an array here) becomes a C. */
  type?: Ctor;
}

interface Plan {
  cls: Ctor;
  properties: PropertyPlan[];
  byName: Map<string, PropertyPlan>;
}

/** A class whose rules this cannot follow exactly: class-validator and class-transformer handle it. */
const UNSUPPORTED = null;

/**
 * A faster way to the same answer as `plainToInstance` + `validateSync` (whitelist,
 * forbidNonWhitelisted, forbidUnknownValues) for what the contracts use, and only for the answer
 * "valid": `tryFastParse` returns the instance class-transformer would have built when it is sure
 * class-validator would find nothing wrong with it, and undefined otherwise (anything unusual,
 * and every refusal, goes the full way, which also words the errors). Each class's rules are read
 * once from the decorators' metadata: class-validator looks them up, groups them and builds an
 * error object for every property on every call, which made validation 10–15 % of the room and
 * history services' CPU under load.
 */
export class ValidationPlans {
  private plans = new Map<Ctor, Plan | null>();

  constructor(private readonly storage: Storage = getMetadataStorage()) {}

  /** Rules were added (a class loaded later): plan again. */
  forget(): void {
    this.plans = new Map();
  }

  tryFastParse<T extends object>(cls: new () => T, plain: unknown): T | undefined {
    const plan = this.planOf(cls);
    if (!plan || !isPlainObject(plain)) return undefined;
    const instance = build(plan, plain, (c) => this.planOf(c));
    if (!instance || !this.isValid(plan, instance)) return undefined;
    return instance as T;
  }

  private planOf(cls: Ctor): Plan | null {
    let plan = this.plans.get(cls);
    if (plan === undefined) {
      plan = this.makePlan(cls);
      this.plans.set(cls, plan);
    }
    return plan;
  }

  private makePlan(cls: Ctor): Plan | null {
    if (
      defaultMetadataStorage.getExposedMetadatas(cls).length > 0 ||
      defaultMetadataStorage.getExcludedMetadatas(cls).length > 0
    )
      return UNSUPPORTED;
    const metadatas = this.storage.getTargetValidationMetadatas(
      cls,
      undefined as unknown as string,
      false,
      false,
      undefined,
    );
    if (metadatas.length === 0) return UNSUPPORTED;
    const byName = new Map<string, PropertyPlan>();
    for (const m of metadatas) {
      let p = byName.get(m.propertyName);
      if (!p)
        byName.set(m.propertyName, (p = { name: m.propertyName, conditions: [], checks: [], nested: false }));
      if (!this.addRule(p, m)) return UNSUPPORTED;
    }
    for (const p of byName.values()) {
      if (
        defaultMetadataStorage.findTransformMetadatas(cls, p.name, TransformationType.PLAIN_TO_CLASS).length
      )
        return UNSUPPORTED;
      const type = defaultMetadataStorage.findTypeMetadata(cls, p.name);
      if (type) {
        if (type.options?.discriminator || type.options?.keepDiscriminatorProperty) return UNSUPPORTED;
        const target = type.typeFunction() as unknown;
        if (typeof target !== 'function' || target === Object || target === Array) return UNSUPPORTED;
        p.type = target as Ctor;
      }
      // A nested rule without a type would meet plain objects, which class-validator refuses.
      if (p.nested && !p.type) return UNSUPPORTED;
    }
    return { cls, properties: [...byName.values()], byName };
  }

  private addRule(p: PropertyPlan, m: Metadata): boolean {
    switch (m.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        p.conditions.push(m.constraints[0] as (object: object, value: unknown) => boolean);
        return true;
      case ValidationTypes.WHITELIST:
        return true;
      case ValidationTypes.NESTED_VALIDATION:
        // class-validator walks arrays here whether or not `each` is set.
        p.nested = true;
        return true;
      case ValidationTypes.CUSTOM_VALIDATION:
        for (const c of this.storage.getTargetValidatorConstraints(m.constraintCls)) {
          if (c.async) return false;
          const instance = c.instance as Check & object;
          p.checks.push({
            validate: instance.validate.bind(instance),
            each: m.each,
            constraints: m.constraints,
          });
        }
        return true;
      default:
        // IS_DEFINED, PROMISE_VALIDATION and anything newer.
        return false;
    }
  }

  private isValid(plan: Plan, object: object): boolean {
    for (const key of Object.keys(object)) if (!plan.byName.has(key)) return false;
    const targetName = object.constructor.name;
    for (const p of plan.properties) {
      const value = (object as Record<string, unknown>)[p.name];
      let applies = true;
      for (const condition of p.conditions) applies = condition(object, value) && applies;
      if (!applies) continue;
      for (const check of p.checks) {
        const args: ValidationArguments = {
          targetName,
          property: p.name,
          object,
          value,
          constraints: check.constraints,
        };
        if (check.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) {
          for (const item of Array.isArray(value) ? value : [...value.values()])
            if (!check.validate(item, args)) return false;
        } else if (!check.validate(value, args)) return false;
      }
      if (p.nested && value !== undefined && !this.nestedValid(value)) return false;
    }
    return true;
  }

  private nestedValid(value: unknown): boolean {
    if (Array.isArray(value)) return value.every((item) => !Array.isArray(item) && this.nestedValid(item));
    if (!(value instanceof Object)) return false;
    const plan = this.planOf(value.constructor as Ctor);
    return !!plan && this.isValid(plan, value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** What plainToInstance builds, for the JSON values it is given here; undefined for anything else. */
function build(
  plan: Plan,
  plain: Record<string, unknown>,
  planOf: (cls: Ctor) => Plan | null,
): object | undefined {
  const instance = new plan.cls() as Record<string, unknown>;
  for (const key of Object.keys(plain)) {
    // Keys class-transformer leaves out or treats specially (methods, accessors, the prototype).
    if (key === '__proto__' || key === 'constructor') return undefined;
    if (!Object.prototype.hasOwnProperty.call(instance, key) && key in instance) return undefined;
    const value = plain[key];
    const type = plan.byName.get(key)?.type;
    if (type) {
      const typed = typedValue(type, value, planOf);
      if (typed === undefined && value !== undefined) return undefined;
      instance[key] = typed;
    } else {
      const copy = jsonCopy(value);
      if (copy === undefined && value !== undefined) return undefined;
      instance[key] = copy;
    }
  }
  return instance;
}

function typedValue(type: Ctor, value: unknown, planOf: (cls: Ctor) => Plan | null): unknown {
  const plan = planOf(type);
  if (!plan) return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const built = isPlainObject(item) ? build(plan, item, planOf) : undefined;
      if (!built) return undefined;
      out.push(built);
    }
    return out;
  }
  return isPlainObject(value) ? build(plan, value, planOf) : undefined;
}

/** A deep copy of JSON data (as class-transformer copies untyped values); undefined if it is not JSON data. */
function jsonCopy(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const copy = jsonCopy(item);
      if (copy === undefined) return undefined;
      out.push(copy);
    }
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (key === '__proto__' || key === 'constructor') return undefined;
      const copy = jsonCopy(value[key]);
      if (copy === undefined) return undefined;
      out[key] = copy;
    }
    return out;
  }
  return undefined;
}
