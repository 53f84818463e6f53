// ruleid: bare-mv
logger.info("login", password);
// ok: bare-mv
logger.info("login", user);
// ok: bare-mv
console.log(password);
