// ruleid: strregex
fetch("http://a.b/c");
// ok: strregex
fetch("https://a.b/c");
