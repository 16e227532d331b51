import { InvalidInputError } from './errors.ts';

/** Instance and workspace names: what people type in chat, so short, lowercase and unambiguous. */
const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$/;

export function assertValidName(kind: 'instance' | 'workspace', name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidInputError(
      `invalid_${kind}_name`,
      `"${name.slice(0, 80)}" is not a valid ${kind} name: use 1 to 63 lowercase letters, digits, ` +
        `'-', '_' or '.', starting and ending with a letter or digit (like my-vps)`,
    );
  }
  return name;
}
