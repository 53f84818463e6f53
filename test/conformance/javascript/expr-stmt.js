// ruleid: expr-stmt
require('shelljs');
// ruleid: expr-stmt
const sh = require('shelljs');
// ruleid: expr-stmt
sh2 = require('shelljs');
// ok: expr-stmt
const fs = require('fs');
