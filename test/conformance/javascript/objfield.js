// ruleid: objfield
app.use(session({ secret: s, cookie: { httpOnly: true, secure: false } }));
// ok: objfield
app.use(session({ secret: s, cookie: { secure: true } }));
