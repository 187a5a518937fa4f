import { ContractMismatch, crossCheckContracts } from '@app/contracts';

/**
 * Every test file parses its contracts both ways (see ValidationPlans): the answer comes from
 * class-validator, and a payload the fast way accepted differently fails the file.
 */
const mismatches: ContractMismatch[] = [];
crossCheckContracts((mismatch) => mismatches.push(mismatch));

afterAll(() => {
  expect(mismatches).toEqual([]);
});
