import express from 'express';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
export const app = express();
app.use(express.json());

app.get('/users', async (req, res) => {
  // ruleid: js-express-prisma-raw-unsafe-injection
  const users = await prisma.$queryRawUnsafe(`SELECT * FROM "User" WHERE email LIKE '%${req.query.domain}'`);
  res.json(users);
});

app.post('/scores', async (req, res) => {
  const sql = 'UPDATE "Score" SET points = points + ' + req.body.points + ' WHERE "userId" = $1';
  // ruleid: js-express-prisma-raw-unsafe-injection
  const count = await prisma.$executeRawUnsafe(sql, req.body.userId);
  res.json({ count });
});

app.get('/users/safe', async (req, res) => {
  // ok: js-express-prisma-raw-unsafe-injection
  const users = await prisma.$queryRaw`SELECT * FROM "User" WHERE email LIKE ${'%' + String(req.query.domain)}`;
  res.json(users);
});

app.post('/scores/safe', async (req, res) => {
  // ok: js-express-prisma-raw-unsafe-injection
  const count = await prisma.$executeRawUnsafe('UPDATE "Score" SET points = points + $1 WHERE "userId" = $2', req.body.points, req.body.userId);
  res.json({ count });
});
