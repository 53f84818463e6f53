// ruleid: not-regex
fetch("http://example.com/a");
// ok: not-regex
fetch("http://localhost:8080/a");
// ok: not-regex
fetch("https://example.com/a");
