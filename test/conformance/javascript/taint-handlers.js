const child_process = require('child_process');
exports.handler = async function (event, context) {
  const name = JSON.parse(event.body).name;
  // ruleid: lambda
  child_process.exec(`ls ${name}`, () => {});
  // ok: lambda
  child_process.exec('ls', () => {});
};
exports.handler = async (event) => {
  const buf = Buffer.from(event.data, 'base64').toString();
  // ruleid: lambda
  require('child_process').execSync(buf);
};
socket.on('message', function (msg) {
  const data = msg.toString().trim();
  // ruleid: ws
  eval(data);
});
socket.on('message', (m) => {
  // ruleid: ws
  new Function(m.payload)();
  // ok: ws
  eval('1');
});
