// ruleid: annotations
console.log(1);
// todook: annotations
console.log(2);
// deepok: annotations
console.log(3);
// todoruleid: annotations
console.warn(4);
// deepruleid: annotations
console.warn(5);
// ok: annotations
console.error(6);
