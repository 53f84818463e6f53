@Controller('x')
class Api {
  // ruleid: ts-nest-route
  @Get('/a')
  list() { return 1; }

  // ok: ts-nest-route
  @Get('/b')
  @UseGuards(AuthGuard)
  guarded() { return 2; }

  // ok: ts-nest-route
  @Post('/c')
  create() { return 3; }
}
function run(cmd: string, n: number) {
  // ruleid: ts-typed-param
  exec(cmd);
  // ok: ts-typed-param
  exec(n);
}
// ruleid: ts-any-type
let a: any = 1;
// ok: ts-any-type
let b: number = 1;
// ruleid: ts-sce
this.sanitizer.bypassSecurityTrustHtml(value);
// ok: ts-sce
this.sanitizer.bypassSecurityTrustHtml('<b>x</b>');
// ruleid: ts-class-field
class Cfg {
  private secret = "hunter2";
}
