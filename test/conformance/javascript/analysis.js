// ruleid: analysis
const k = "ZQ8vN3kLp2Xw9RtY7uMb4HcEzQ8vN3kL";
// ok: analysis
const n = "hello";
