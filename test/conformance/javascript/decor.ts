// ruleid: decor
@Component({ selector: 'a', template: '<b></b>' })
class A {}
// ok: decor
@Component({ selector: 'b', templateUrl: './b.html' })
class B {}
