// ruleid: mvp-regex
fetch("https://user:pw@host/x");
// ok: mvp-regex
fetch("https://host/x");
