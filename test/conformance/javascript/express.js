const express = require('express');
const app = express();
// ruleid: express
app.listen(3000);
const app2 = express();
app2.use(helmet());
// ok: express
app2.listen(3000);
