/** Entity ids are 24 lowercase hex characters (the shape of a MongoDB ObjectId). */
const ID_PATTERN = /^[0-9a-f]{24}$/;

export function isEntityId(value: string): boolean {
  return ID_PATTERN.test(value);
}
