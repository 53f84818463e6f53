import { Prisma, PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function usersByDomain(domain: string) {
  // ruleid: js-prisma-raw-unsafe-string-built
  return prisma.$queryRawUnsafe(`SELECT * FROM "User" WHERE email LIKE '%@${domain}'`);
}

export async function addPoints(userId: string, points: string) {
  // ruleid: js-prisma-raw-unsafe-string-built
  return prisma.$executeRawUnsafe('UPDATE "Score" SET points = points + ' + points + ' WHERE "userId" = $1', userId);
}

export async function postsSortedBy(column: string) {
  // ruleid: js-prisma-raw-unsafe-string-built
  return prisma.$queryRaw`SELECT * FROM "Post" ORDER BY ${Prisma.raw(`"${column}"`)}`;
}

export async function usersByDomainSafely(domain: string) {
  // ok: js-prisma-raw-unsafe-string-built
  return prisma.$queryRaw`SELECT * FROM "User" WHERE email LIKE ${'%@' + domain}`;
}

export async function addPointsSafely(userId: string, points: number) {
  // ok: js-prisma-raw-unsafe-string-built
  return prisma.$executeRawUnsafe('UPDATE "Score" SET points = points + $1 WHERE "userId" = $2', points, userId);
}
