import { BadRequestError } from '@portico/errors';
import { dictionary } from '@zxcvbn-ts/language-common';
import { AUTH_ERRORS } from '../errors.js';

/**
 * The ~49,000 most common passwords of published breaches, as zxcvbn-ts ships
 * them, lower-cased once at start: refused whatever their case (OWASP ASVS 5,
 * V6.2.4: "checked against a set of at least the top 3000 passwords").
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  dictionary['passwords-common'].map((password) => password.toLowerCase()),
);

export const isCommonPassword = (password: string): boolean =>
  COMMON_PASSWORDS.has(password.trim().toLowerCase());

/** Throws a 400 `PASSWORD_TOO_COMMON` problem for a password on the list. */
export function assertUncommonPassword(password: string): void {
  if (isCommonPassword(password)) {
    throw new BadRequestError(
      'This password is among the most common in published breaches; choose another.',
      AUTH_ERRORS.PASSWORD_TOO_COMMON.code,
    );
  }
}
