const code = "1 + 1";
// ok: constprop
eval(code);
// ok: constprop
eval(`2 + 2`);
const part = "a" + "b";
// ok: constprop
eval(part);
function f(input) {
  // ruleid: constprop
  eval(input);
}
let once = "x";
// ok: constprop
eval(once);
let twice = "x";
twice = input();
// ruleid: constprop
eval(twice);
