// ruleid: ts-cast
const a = value as any;
// ok: ts-cast
const b = value as string;
