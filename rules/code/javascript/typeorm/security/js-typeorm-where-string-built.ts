import type { DataSource } from 'typeorm';
import { User } from './entities/user';

export async function findByEmail(ds: DataSource, email: string) {
  const qb = ds.getRepository(User).createQueryBuilder('user');
  // ruleid: js-typeorm-where-string-built
  return qb.where(`user.email = '${email}'`).getOne();
}

export async function activeWithRole(ds: DataSource, role: string) {
  const qb = ds.getRepository(User).createQueryBuilder('user');
  // ruleid: js-typeorm-where-string-built
  return qb.where('user.active = true').andWhere("user.role = '" + role + "'").getMany();
}

export async function findByEmailSafely(ds: DataSource, email: string) {
  const qb = ds.getRepository(User).createQueryBuilder('user');
  // ok: js-typeorm-where-string-built
  return qb.where('user.email = :email', { email }).getOne();
}

export async function withRoles(ds: DataSource, roles: string[]) {
  const qb = ds.getRepository(User).createQueryBuilder('user');
  // ok: js-typeorm-where-string-built
  return qb.where('user.role IN (:...roles)', { roles }).getMany();
}
