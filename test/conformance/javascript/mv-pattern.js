// ruleid: mv-pattern
exec("ls " + dir);
// ruleid: mv-pattern
exec(`rm ${file}`);
// ok: mv-pattern
exec("ls");
