import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as contract from '@hilal/contract/widget-api';
import { Value } from '@sinclair/typebox/value';
import { failure, VERIFY_DETAILS, VERIFY_REASONS } from './verify-reasons.js';

describe('the verification tables', () => {
  it('describe exactly the contract codes, in its order (the order of the checks)', () => {
    assert.deepEqual(Object.keys(VERIFY_REASONS), [...contract.VERIFY_REASONS]);
    assert.deepEqual(Object.keys(VERIFY_DETAILS), [...contract.VERIFY_DETAILS]);
  });

  it('give every detail a 401 body the contract allows', () => {
    for (const detail of contract.VERIFY_DETAILS) {
      assert.ok(Value.Check(contract.VerifyFailedResponse, failure(detail)), detail);
    }
  });
});
