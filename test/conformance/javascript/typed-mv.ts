// ruleid: typed-mv
function f(a: string, b: any) {
  return a;
}
// ok: typed-mv
function g(a: string) {
  return a;
}
