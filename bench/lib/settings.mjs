/**
 * A whole number from the environment, bounded so no setting makes a run unbounded.
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 */
export function setting(name, fallback, min, max) {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
