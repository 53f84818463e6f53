const knex = require('knex')({ client: 'pg', connection: process.env.DATABASE_URL });

const STATUS_COLUMN = 'status';

async function searchProducts(term) {
  // ruleid: js-knex-raw-string-built
  return knex('products').whereRaw(`name ILIKE '%${term}%'`);
}

async function salesBy(column) {
  // ruleid: js-knex-raw-string-built
  return knex.raw('SELECT ' + column + ', count(*) FROM orders GROUP BY ' + column);
}

async function searchProductsSafely(term) {
  // ok: js-knex-raw-string-built
  return knex('products').whereRaw('name ILIKE ?', [`%${term}%`]);
}

async function salesBySafely(column) {
  // ok: js-knex-raw-string-built
  return knex.raw('SELECT ??, count(*) FROM orders GROUP BY ??', [column, column]);
}

async function openOrders() {
  // ok: js-knex-raw-string-built
  return knex('orders').whereRaw(STATUS_COLUMN + " = 'open'");
}

module.exports = { searchProducts, salesBy, searchProductsSafely, salesBySafely, openOrders };
