/** Adds the store-maintained fields: the next version and timestamps (createdAt survives updates). */
export function stamp<T extends object>(
  fields: T,
  previous?: { version: number; createdAt: string },
): T & { version: number; createdAt: string; updatedAt: string } {
  const now = new Date().toISOString();
  return {
    ...fields,
    version: (previous?.version ?? 0) + 1,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
}
