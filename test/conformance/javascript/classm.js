// ruleid: classm
class A {
  constructor() {}
  run(x) {
    eval(x);
  }
}
// ok: classm
class B {
  run(x) {
    return x;
  }
}
