async function usersOlderThan(db, minAge) {
  // ruleid: js-mongodb-where-injection
  return db.collection('users').find({ $where: `this.age >= ${minAge}` }).toArray();
}

async function productsMatching(Product, field, value) {
  // ruleid: js-mongodb-where-injection
  return Product.find().$where('this.' + field + ' == "' + value + '"');
}

async function ordersWhere(db, clause) {
  // ruleid: js-mongodb-where-injection
  return db.collection('orders').find({ '$where': clause, status: 'open' }).toArray();
}

async function usersOlderThanSafely(db, minAge) {
  // ok: js-mongodb-where-injection
  return db.collection('users').find({ age: { $gte: Number(minAge) } }).toArray();
}

async function editedUsers(db) {
  // ok: js-mongodb-where-injection
  return db.collection('users').find({ $where: 'this.updatedAt > this.createdAt' }).toArray();
}

async function indebtedUsers(db) {
  // ok: js-mongodb-where-injection
  return db.collection('users').find({ $where: function () { return this.debits > this.credits; } }).toArray();
}

module.exports = { usersOlderThan, productsMatching, ordersWhere, usersOlderThanSafely, editedUsers, indebtedUsers };
