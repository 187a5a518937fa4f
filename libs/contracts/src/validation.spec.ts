import { IsInt, IsString, MaxLength } from 'class-validator';
import { ContractValidationError, parseContract } from './validation';

class Base {
  @IsString() @MaxLength(5) name!: string;
}

class Child extends Base {
  @IsInt() count!: number;
}

describe('parseContract with the memoised rule lookup', () => {
  it("applies a class's own and inherited rules, on every call", () => {
    for (let i = 0; i < 3; i++) {
      expect(parseContract(Child, { name: 'abc', count: 1 })).toMatchObject({ name: 'abc', count: 1 });
      expect(() => parseContract(Child, { name: 'too long', count: 1 })).toThrow(ContractValidationError);
      expect(() => parseContract(Child, { name: 'abc', count: 'x' })).toThrow(ContractValidationError);
      expect(() => parseContract(Child, { name: 'abc', count: 1, extra: true })).toThrow(/extra/);
    }
  });

  it('sees a rule added after a class was first validated', () => {
    class Later {
      @IsString() a!: string;
    }
    expect(() => parseContract(Later, { a: 'x', b: 1 })).toThrow(/b/);
    IsInt()(Later.prototype, 'b');
    expect(parseContract(Later, { a: 'x', b: 1 })).toMatchObject({ a: 'x', b: 1 });
    expect(() => parseContract(Later, { a: 'x', b: 'one' })).toThrow(/b: b must be an integer/);
  });
});
