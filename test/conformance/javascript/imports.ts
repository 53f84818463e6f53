// ruleid: imports
import ser from "node-serialize";
// ruleid: imports
import { unserialize } from 'node-serialize';
// ruleid: imports
const s = require("node-serialize");
// ok: imports
import other from "serialize-javascript";
