/** E11000 on MongoDB; FerretDB's findAndModify answers a SQLite "UNIQUE constraint failed" instead. */
export function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: number; message?: string } | null;
  return e?.code === 11000 || /E11000|duplicate key|UNIQUE constraint failed/i.test(e?.message ?? '');
}
