import type { CHATBOT_LIMITS, FieldProblem, FieldProblemCode } from '@hilal/contract/admin-api';
import { ApiError } from '../api/api-client';

/** What a field's problem means, in words (README "HTTP API", PATCH /api/admin/bots/:botId). */
const PROBLEMS: Readonly<Record<FieldProblemCode, string>> = {
  blank: 'This may not be empty.',
  too_long: 'This is too long.',
  too_many: 'There are too many.',
  invalid_color: 'Use a colour like #0f766e: # and six hexadecimal digits.',
  invalid_origin: 'Use an origin like https://www.example.com: scheme and host, no path.',
  invalid_value: 'This value is not allowed.',
};

/**
 * The server's limits. A copy, since the contract's module is TypeBox at run time, which the
 * dashboard does not load; typed as the contract's literal values, so a change there fails here.
 */
export const LIMITS: typeof CHATBOT_LIMITS = {
  name: 100,
  title: 80,
  welcome: 1000,
  allowedOrigins: 50,
  knowledgeTitle: 200,
  knowledgeBody: 10_000,
};

const SETTINGS_LIMITS: Readonly<Record<string, number>> = {
  name: LIMITS.name,
  title: LIMITS.title,
  welcome: LIMITS.welcome,
  allowedOrigins: LIMITS.allowedOrigins,
};
/** For `invalid_knowledge_entry`. */
export const KNOWLEDGE_LIMITS: Readonly<Record<string, number>> = {
  title: LIMITS.knowledgeTitle,
  body: LIMITS.knowledgeBody,
};

function describe(
  problem: FieldProblem,
  base: string,
  limits: Readonly<Record<string, number>>,
): string {
  const limit = Object.hasOwn(limits, base) ? limits[base] : undefined;
  if (problem.problem === 'too_long' && limit !== undefined)
    return `This is too long: at most ${limit} characters.`;
  if (problem.problem === 'too_many' && limit !== undefined) return `At most ${limit}, please.`;
  return PROBLEMS[problem.problem] ?? 'This value is not allowed.';
}

/**
 * The server's per-field problems, by field: `allowedOrigins[2]` lands on `allowedOrigins`, as
 * "Line 3: …". Empty when the error is not a "see fields" one.
 */
export function fieldMessages(
  error: Error | null,
  limits: Readonly<Record<string, number>> = SETTINGS_LIMITS,
): Record<string, string[]> {
  const messages: Record<string, string[]> = {};
  if (!(error instanceof ApiError)) return messages;
  for (const problem of error.fields) {
    const match = /^([A-Za-z]+)(?:\[(\d+)\])?$/.exec(problem.field);
    const base = match?.[1] ?? problem.field;
    const line = match?.[2] === undefined ? '' : `Line ${Number(match[2]) + 1}: `;
    messages[base] ??= [];
    messages[base].push(line + describe(problem, base, limits));
  }
  return messages;
}
